// Installing rampart the three documented ways, in real child processes (built dist/).
import t, { type Test } from 'tap';
import { request } from './helpers/http';
import { runChild, startChildApp, type ChildApp } from './helpers/child';

const ATTACK = `/?name=${encodeURIComponent("x'; DROP TABLE users; --")}`;

async function provesProtection(t: Test, app: ChildApp): Promise<void> {
  const benign = await request(`${app.base}/?name=alice`);
  t.equal(benign.status, 200);
  t.same(benign.json(), [{ id: 1, name: 'alice' }]);
  const attack = await request(`${app.base}${ATTACK}`);
  t.equal(attack.status, 403, 'attack blocked with 403');
  t.same((await request(`${app.base}/tables`)).json(), [{ name: 'users' }], 'users table still there');
}

t.test('node --require rampart/register (CommonJS app)', async (t) => {
  const app = await startChildApp(['--require', 'rampart/register', 'test/fixtures/sqlite-server.js']);
  t.teardown(() => app.stop());
  await provesProtection(t, app);
});

t.test('node --import rampart/register (ESM app importing better-sqlite3)', async (t) => {
  const app = await startChildApp(['--import', 'rampart/register', 'test/fixtures/sqlite-server.mjs']);
  t.teardown(() => app.stop());
  await provesProtection(t, app);
});

t.test('without rampart the same ESM app is vulnerable (the test would notice a dead hook)', async (t) => {
  const app = await startChildApp(['test/fixtures/sqlite-server.mjs']);
  t.teardown(() => app.stop());
  await request(`${app.base}${ATTACK}`);
  t.same((await request(`${app.base}/tables`)).json(), [], 'the stacked DROP TABLE ran');
});

t.test("require('rampart').start() as the first line, twice", async (t) => {
  const app = await startChildApp(['test/fixtures/programmatic.js']);
  t.teardown(() => app.stop());
  await provesProtection(t, app);
  const started = app.lines.filter((l) => l.event === 'rampart.started');
  t.equal(started.length, 1, 'second start() is harmless');
});

t.test('a driver loaded before rampart: a warning names it, and it is protected anyway', async (t) => {
  const app = await startChildApp(['test/fixtures/late-start.js']);
  t.teardown(() => app.stop());
  await provesProtection(t, app);
  const warning = app.lines.find((l) => typeof l.msg === 'string' && (l.msg as string).includes('better-sqlite3 was loaded before rampart started'));
  t.ok(warning, 'warning logged');
});

t.test('invalid configuration stops start-up with a message naming key, value and allowed values', async (t) => {
  const result = await runChild(['--require', 'rampart/register', '-e', 'console.log("app ran")'], { RAMPART_MODE: 'blokc' });
  t.equal(result.code, 78);
  t.match(result.stderr, /"mode" is "blokc"; allowed: block, monitor, off/);
  t.notMatch(result.stdout, /app ran/);
});

t.test('RAMPART_MODE=off installs nothing', async (t) => {
  const app = await startChildApp(['--require', 'rampart/register', 'test/fixtures/sqlite-server.js'], { RAMPART_MODE: 'off' });
  t.teardown(() => app.stop());
  await request(`${app.base}${ATTACK}`);
  t.same((await request(`${app.base}/tables`)).json(), [], 'off means off');
});

t.test('named ESM imports of a hooked CommonJS package are the protected functions', async (t) => {
  const result = await runChild(['--import', 'rampart/register', 'test/fixtures/esm-named-imports.mjs'], { RAMPART_LOG_LEVEL: 'silent' });
  t.equal(result.code, 0, result.stderr);
  t.same(JSON.parse(result.stdout.trim().split('\n').pop()!), { request: true, fetch: true, sameAsDefault: true });
  const bare = await runChild(['test/fixtures/esm-named-imports.mjs']);
  t.same(JSON.parse(bare.stdout.trim()), { request: false, fetch: false, sameAsDefault: true }, 'without rampart nothing is wrapped');
});
