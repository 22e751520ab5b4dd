// Two copies of rampart in one process (the app's and a dependency's): the second to start
// stands down with a warning, installs nothing, and every sink is checked exactly once;
// stopping the idle copy leaves the running one in place; the idle copy's withInput and
// markUntrusted feed the running copy. Copy one is the source tree;
// copy two is the built dist/ copied to a temporary directory (run `npm run build` first).
/* eslint-disable @typescript-eslint/no-require-imports */
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../src/index';
import { isWrapped, wrappedBy } from '../fixtures/hardening-shape';
import { captureMetrics, logLinesWhen } from '../fixtures/hardening-telemetry';
import { captureOtelLogs } from '../helpers/otel';

const ROOT = join(__dirname, '..', '..');
const copyDir = join(mkdtempSync(join(tmpdir(), 'rampart-copy-')), 'rampart');
mkdirSync(copyDir);
cpSync(join(ROOT, 'dist'), join(copyDir, 'dist'), { recursive: true });
cpSync(join(ROOT, 'package.json'), join(copyDir, 'package.json'));
symlinkSync(join(ROOT, 'node_modules'), join(copyDir, 'node_modules'), 'dir');
const other = require(join(copyDir, 'dist', 'index.js')) as typeof import('../../src/index');

const events = captureOtelLogs();
const metrics = captureMetrics();
const otherLog = join(copyDir, 'other.log');

start({ logLevel: 'silent' });
other.start({ logLevel: 'warn', logDestination: otherLog });
t.teardown(() => {
  other.stop();
  stop();
});

const fs = require('node:fs') as Record<string, unknown>;
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const db = new Database(':memory:');
db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('alice')");
const checks = () => metrics.sum('rampart.checks', { 'rampart.sink.kind': 'sql' });

t.test('the second copy stands down with a warning', async (t) => {
  t.not(other.start, start, 'really two copies of the code');
  const lines = await logLinesWhen(otherLog, (ls) => ls.length > 0);
  t.match(lines[0], { level: 'warn', msg: /another copy of rampart is already running in this process; this copy stays inactive/ });
  t.notOk(lines.some((l) => l.event === 'rampart.started'), 'it never says it started');
});

t.test('hooks are installed once: no wrapper around a wrapper', async (t) => {
  for (const fn of [fs.readFileSync, Database.prototype.prepare]) {
    t.ok(isWrapped(fn));
    t.notOk(isWrapped(wrappedBy(fn)), 'the wrapped function is the original itself');
  }
});

t.test('each sink call is checked once, reported once', async (t) => {
  const attack = "x'; DROP TABLE users; --";
  events.reset();
  let before = await checks();
  t.throws(() => withInput({ source: 'query', name: 'name', value: attack }, () => db.prepare(`SELECT * FROM users WHERE name = '${attack}'`)), RampartBlockedError);
  t.equal((await checks()) - before, 1, 'one check');
  t.equal(events.attacks().length, 1, 'one finding');
  before = await checks();
  t.same(withInput({ source: 'query', name: 'name', value: 'alice' }, () => db.prepare("SELECT id, name FROM users WHERE name = 'alice'").all()), [{ id: 1, name: 'alice' }]);
  t.equal((await checks()) - before, 1, 'benign: one check as well');
});

t.test("the idle copy's withInput and markUntrusted reach the running copy", async (t) => {
  const attack = "x' OR '1'='1";
  const query = `SELECT * FROM users WHERE name = '${attack}'`;
  t.throws(() => other.withInput({ source: 'query', name: 'name', value: attack }, () => db.prepare(query)), RampartBlockedError);
  t.throws(
    () => withInput({ source: 'query', name: 'page', value: '2' }, () => db.prepare(`SELECT * FROM users WHERE name = '${other.markUntrusted(attack, 'partner.name')}'`)),
    RampartBlockedError,
  );
  t.equal(events.attacks().at(-1)?.attributes['rampart.input.path'], 'partner.name');
  t.same(other.withInput({ source: 'query', name: 'name', value: 'alice' }, () => db.prepare("SELECT name FROM users WHERE name = 'alice'").all()), [{ name: 'alice' }], 'benign input unchanged');
  events.reset();
});

t.test('stopping the idle copy leaves the running one in place', async (t) => {
  other.stop();
  t.ok(isWrapped(Database.prototype.prepare), 'hooks still installed');
  const attack = "x' OR '1'='1";
  t.throws(() => withInput({ source: 'query', name: 'name', value: attack }, () => db.prepare(`SELECT * FROM users WHERE name = '${attack}'`)), RampartBlockedError);
});
