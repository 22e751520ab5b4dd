// NestJS on its express and fastify adapters, as a child process started with
// `node --import rampart/register` (test/fixtures/nest-app.mjs): NestJS 12 (the current
// major, ES module packages, on express 5 and fastify 5) and NestJS 10 (CommonJS, on
// express 4 and fastify 4, from the legacy fixture). Nest sits on those frameworks, so
// their inputs reach rampart the same way. Every source reaches a SQLite sink and is
// blocked with the right source and path although Nest's exception filter answers 500,
// benign input works, and shell, file and outbound sinks are blocked.
import { dirname } from 'node:path';
import t from 'tap';
import { ALL_SOURCES, sinkCases, sourceCases } from './cases';
import { startFrameworkChild, type FrameworkChild } from './child-app';
import { sinkSandbox } from './sinks';
import { usersDb } from './support';

const COMBINATIONS = [
  { nest: 'current', adapter: 'express', major: 12, http: /^express@5\./ },
  { nest: 'current', adapter: 'fastify', major: 12, http: /^fastify@5\./ },
  { nest: 'legacy', adapter: 'express', major: 10, http: /^express@4\./ },
  { nest: 'legacy', adapter: 'fastify', major: 10, http: /^fastify@4\./ },
] as const;

for (const { nest, adapter, major, http } of COMBINATIONS) {
  t.test(`NestJS ${major} on the ${adapter} adapter`, async (t) => {
    const db = usersDb();
    const box = sinkSandbox(`nest${major}-${adapter}`);
    let child: FrameworkChild;
    t.before(async () => {
      child = await startFrameworkChild(t, 'test/fixtures/nest-app.mjs', [nest, adapter], { USERS_DB: db.file, FILES_BASE: box.base }, dirname(db.file));
    });
    t.test('the child runs the expected majors', async (t) => {
      t.equal(Number(String(child.announced.nest).split('.')[0]), major, `NestJS ${String(child.announced.nest)}`);
      t.match(String(child.announced.http), http, String(child.announced.http));
    });
    const underTest = {
      base: () => child.base,
      events: { attacks: () => child.events.attacks(), reset: () => child.events.reset() },
      refresh: () => child.refresh(),
      db,
      box,
    };
    sourceCases(t, underTest, ALL_SOURCES);
    sinkCases(t, underTest);
  });
}
