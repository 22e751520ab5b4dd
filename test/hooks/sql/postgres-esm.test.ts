// postgres.js in an ES module app started with `node --import rampart/register`: the ESM
// build's sql.unsafe is protected like the CommonJS one, tagged templates stay parameterized
// and untouched, monitor mode runs the query and reports it once. Real PostgreSQL, real
// child processes (built dist/).
import t, { type Test } from 'tap';
import { request } from '../../helpers/http';
import { startChildApp, waitForLine, type ChildApp } from '../../helpers/child';
import { inThreadLoaderSupported } from '../../../src/esm-loader';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require('pg') as typeof import('pg');

const T = `rampart_pgjs_esm_${process.pid}`;
const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'rampart_test' });
const ALICE = [{ id: 1, name: 'alice' }];
const STACKED_DROP = `x'; DROP TABLE ${T}; -- `;
const TAUTOLOGY = "x' OR '1'='1";

t.before(async () => {
  await admin.connect();
  await resetTable();
});
t.teardown(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await admin.end();
});

async function resetTable(): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id int PRIMARY KEY, name text); INSERT INTO ${T} VALUES (1, 'alice'), (2, 'bob')`);
}

async function tableExists(): Promise<boolean> {
  const { rows } = await admin.query<{ ok: boolean }>(`SELECT to_regclass('${T}') IS NOT NULL AS ok`);
  return rows[0]!.ok;
}

function attackLines(app: ChildApp): Array<Record<string, unknown>> {
  return app.lines.filter((l) => l.event === 'rampart.attack');
}

async function startApp(t: Test, args: string[], env: Record<string, string> = {}, fixture = 'test/fixtures/postgres-esm.mjs', withoutRunnerPreloads = false): Promise<ChildApp> {
  const app = await startChildApp([...args, fixture], { PGJS_ESM_TABLE: T, ...env }, { withoutRunnerPreloads });
  t.teardown(() => app.stop());
  return app;
}

const q = (path: string, name: string): string => `${path}?name=${encodeURIComponent(name)}`;

for (const [label, nodeArgs] of [
  ['require(esm) available', []],
  ['require(esm) disabled: the query module arrives through import()', ['--no-experimental-require-module']],
] as const) {
  t.test(`block mode, ${label}: the stacked DROP TABLE never runs, benign input works`, async (t) => {
    const app = await startApp(t, [...nodeArgs, '--import', 'rampart/register']);
    const benign = await request(q(`${app.base}/`, 'alice'));
    t.equal(benign.status, 200);
    t.same(benign.json(), ALICE, 'benign sql.unsafe returns the row');
    const attack = await request(q(`${app.base}/`, STACKED_DROP));
    t.equal(attack.status, 403, 'attack blocked with 403');
    t.ok(await tableExists(), 'table still there');
    t.same((await request(q(`${app.base}/`, 'bob'))).json(), [{ id: 2, name: 'bob' }], 'later requests still served');
    t.equal(attackLines(app).length, 1, 'one finding');
    t.match(attackLines(app)[0], { 'rampart.sink': 'postgres.unsafe', 'rampart.action': 'blocked', 'db.system.name': 'postgresql' });
  });
}

// Where import-in-the-middle's loader runs in the app's thread (22.22.3+, 24.11.1+, 26), a
// CommonJS app under --require gets it at its first import, not at start: the import that
// loads it is itself instrumented.
if (inThreadLoaderSupported()) {
  t.test('--require, a CommonJS entry whose first import is the ES module app: the loader comes with that import', async (t) => {
    // Started as a user's app is: the test runner's own --import would be the first import.
    const app = await startApp(t, ['--require', 'rampart/register'], {}, 'test/fixtures/postgres-esm-from-cjs.cjs', true);
    const attack = await request(q(`${app.base}/`, STACKED_DROP));
    t.equal(attack.status, 403, 'attack blocked with 403');
    t.ok(await tableExists(), 'table still there');
    t.same((await request(q(`${app.base}/`, 'alice'))).json(), ALICE, 'benign twin returns the row; app still up');
    t.match(attackLines(app)[0], { 'rampart.sink': 'postgres.unsafe', 'rampart.action': 'blocked' });
    const loads = await waitForLine(app, (l) => typeof l.iitmLoaderBeforeImport === 'number');
    t.same(loads, { iitmLoaderBeforeImport: 0, iitmLoaderAfterImport: 1 }, 'not loaded at start; loaded by the first import');
  });
}

t.test('tagged templates stay parameterized: attack-shaped values are only values, no finding', async (t) => {
  const app = await startApp(t, ['--import', 'rampart/register']);
  t.same((await request(q(`${app.base}/tagged`, 'alice'))).json(), ALICE);
  const res = await request(q(`${app.base}/tagged`, STACKED_DROP));
  t.equal(res.status, 200);
  t.same(res.json(), [], 'no row is named like the attack');
  t.same((await request(q(`${app.base}/tagged`, TAUTOLOGY))).json(), []);
  t.ok(await tableExists());
  t.equal(attackLines(app).length, 0, 'nothing reported');
});

t.test('monitor mode: the injected query runs and is reported once', async (t) => {
  const app = await startApp(t, ['--import', 'rampart/register'], { RAMPART_MODE: 'monitor' });
  t.same((await request(q(`${app.base}/`, 'alice'))).json(), ALICE);
  const res = await request(q(`${app.base}/`, TAUTOLOGY));
  t.equal(res.status, 200);
  t.same(res.json(), [{ id: 1, name: 'alice' }, { id: 2, name: 'bob' }], 'the tautology returned every row');
  await waitForLine(app, (l) => l.event === 'rampart.attack');
  // A benign request after the attack: a second report of it would have arrived by now.
  t.same((await request(q(`${app.base}/`, 'alice'))).json(), ALICE);
  t.equal(attackLines(app).length, 1, 'reported once');
  t.match(attackLines(app)[0], { 'rampart.sink': 'postgres.unsafe', 'rampart.action': 'monitored' });
});

t.test('without rampart the same ESM app is vulnerable (a dead hook would pass unnoticed otherwise)', async (t) => {
  const app = await startApp(t, []);
  await request(q(`${app.base}/`, STACKED_DROP));
  t.notOk(await tableExists(), 'the stacked DROP TABLE ran');
  await resetTable();
});
