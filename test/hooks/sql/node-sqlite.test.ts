// node:sqlite (Node's built-in SQLite), through every way an app can load it: require()
// and process.getBuiltinModule() after rampart started, an ES module import under
// --import rampart/register, and a require() made before rampart started. Each app is a
// plain http server in a child process on a real SQLite file: the attack gets rampart's
// 403 and the table is still there, the benign twin returns its row, the app stays up
// with no uncaught exception.
//
// node:sqlite exists unflagged from Node 22.13 (and on 24 and 26), not on Node 20. On a
// line without it the file proves what rampart does there instead: it says so once at
// start (`rampart.hooks_unavailable`), installs nothing for it, and the app's own
// require() fails exactly as it does without rampart.
import { mkdtempSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { runChild, startChildApp, type ChildApp } from '../../helpers/child';
import { request } from '../../helpers/http';

const AVAILABLE = isBuiltin('node:sqlite');
const FIXTURE = 'test/fixtures/node-sqlite';

async function startApp(t: Test, args: string[], env: Record<string, string> = {}): Promise<ChildApp> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-node-sqlite-'));
  const app = await startChildApp(args, { RAMPART_LOG_LEVEL: 'info', NODE_SQLITE_DIR: dir, ...env });
  t.teardown(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return app;
}

/** rampart's log lines come through pino, which may write after the app's first line. */
async function logLine(app: ChildApp, event: string): Promise<Record<string, unknown> | undefined> {
  for (let i = 0; i < 100; i++) {
    const line = app.lines.find((l) => l.event === event);
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

/** The app's own first line ({ listening, sqlite }); rampart's log lines come through the same stdout. */
const appLine = (app: ChildApp) => app.lines.find((l) => typeof l.listening === 'number');

const q = (name: string) => `name=${encodeURIComponent(name)}`;

async function attackAndBenign(t: Test, app: ChildApp): Promise<void> {
  t.equal(appLine(app)?.sqlite, 'loaded', 'the app loaded node:sqlite');
  const drop = "x'; DROP TABLE users; --";
  const tautology = "x' OR '1'='1";
  for (const [route, attack] of [
    ['/exec', drop],
    ['/prepare', tautology],
    ['/nested', drop],
  ] as const) {
    const blocked = await request(`${app.base}${route}?${q(attack)}`);
    t.equal(blocked.status, 403, `${route}: the attack is answered 403`);
    t.match(blocked.json(), { requestId: String }, `${route}: with rampart's block response`);
    t.notMatch(blocked.text, /alice|bob/, `${route}: no row leaked`);
    t.same((await request(`${app.base}/tables`)).json(), ['users'], `${route}: the table is still there`);
    const benign = await request(`${app.base}${route}?${q('alice')}`);
    t.equal(benign.status, 200, `${route}: the next benign request is answered`);
    t.same(benign.json(), [{ id: 1, name: 'alice' }], `${route}: with the right row`);
  }
  t.equal(app.child.exitCode, null, 'the app is still up');
  t.same((await request(`${app.base}/stats`)).json(), { uncaughtException: 0, unhandledRejection: 0, messages: [] }, 'no uncaught exception or unhandled rejection');
}

if (!AVAILABLE) {
  t.test(`Node ${process.versions.node} has no node:sqlite: rampart says so and the app runs as without it`, async (t) => {
    const app = await startApp(t, ['--require', 'rampart/register', `${FIXTURE}/require.js`], { RAMPART_LOG_LEVEL: 'debug' });
    const report = await logLine(app, 'rampart.hooks_unavailable');
    t.same(report?.modules, ['node:sqlite'], 'rampart reports the node:sqlite hook unavailable');
    t.equal(report?.node, process.versions.node, 'naming the Node version');
    t.equal(appLine(app)?.sqlite, 'ERR_UNKNOWN_BUILTIN_MODULE', "the app's require('node:sqlite') fails as Node fails it");
    const plain = await runChild(['-e', "try { require('node:sqlite') } catch (e) { process.stdout.write(e.code) }"]);
    t.equal(plain.stdout, 'ERR_UNKNOWN_BUILTIN_MODULE', 'the same error without rampart');
    t.equal((await request(`${app.base}/health`)).status, 200, 'the app answers');
    t.equal(app.child.exitCode, null, 'the app is still up');
  });
} else {
  t.test('without rampart the same attack drops the table (the app is really vulnerable)', async (t) => {
    const app = await startApp(t, [`${FIXTURE}/require.js`]);
    const res = await request(`${app.base}/exec?${q("x'; DROP TABLE users; --")}`);
    t.equal(res.status, 500, 'the app answers with its own error (the table it reads back is gone)');
    t.same((await request(`${app.base}/tables`)).json(), [], 'the table was dropped');
  });

  t.test('require() after rampart started', async (t) => {
    const app = await startApp(t, ['--require', 'rampart/register', `${FIXTURE}/require.js`]);
    await attackAndBenign(t, app);
    t.equal(app.lines.find((l) => l.event === 'rampart.hooks_unavailable'), undefined, 'no unavailability report where node:sqlite exists');
  });

  t.test('process.getBuiltinModule() after rampart started', async (t) => {
    await attackAndBenign(t, await startApp(t, ['--require', 'rampart/register', `${FIXTURE}/builtin.js`]));
  });

  t.test('ES module import under --import rampart/register', async (t) => {
    await attackAndBenign(t, await startApp(t, ['--import', 'rampart/register', `${FIXTURE}/import.mjs`]));
  });

  t.test('loaded before rampart started: patched at start', async (t) => {
    await attackAndBenign(t, await startApp(t, [`${FIXTURE}/before.js`]));
  });

  t.test('monitor mode: the attack runs and is reported', async (t) => {
    const app = await startApp(t, ['--require', 'rampart/register', `${FIXTURE}/require.js`], { RAMPART_MODE: 'monitor' });
    const res = await request(`${app.base}/prepare?${q("x' OR '1'='1")}`);
    t.equal(res.status, 200, 'not refused');
    t.same(res.json(), [{ id: 1, name: 'alice' }, { id: 2, name: 'bob' }], 'the injected query ran');
    const finding = await logLine(app, 'rampart.attack');
    t.equal(finding?.['rampart.sink'], 'node:sqlite.prepare');
    t.equal(finding?.['rampart.action'], 'monitored');
  });

  t.test('an app that never loads node:sqlite: rampart does not load it (no ExperimentalWarning)', async (t) => {
    const app = await startApp(t, ['--require', 'rampart/register', `${FIXTURE}/none.js`]);
    t.equal((await request(`${app.base}/health`)).status, 200, 'the app answers');
    for (let i = 0; i < 100 && !app.stderr().includes('started'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    t.match(app.stderr(), /started/, "the app's own marker, written after anything printed while starting");
    t.notMatch(app.stderr(), /SQLite is an experimental feature/, 'no warning about a module the app did not load');
  });
}
