// better-sqlite3 sinks, exercised directly with a real SQLite file inside withInput().
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWrapped } from '../../src/hooks/wrap';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../src/index';
import { captureOtelLogs } from '../helpers/otel';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const db = new Database(join(mkdtempSync(join(tmpdir(), 'rampart-sqlite-')), 'test.db'));
db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('alice'), ('bob')");
const tableExists = () => db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'users'").get() as { n: number };
const userCount = () => (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;

t.test('benign input: every statement API returns the right rows', async (t) => {
  withInput({ source: 'query', name: 'name', value: 'alice' }, () => {
    const q = "SELECT id, name FROM users WHERE name = 'alice'";
    t.same(db.prepare(q).get(), { id: 1, name: 'alice' });
    t.same(db.prepare(q).all(), [{ id: 1, name: 'alice' }]);
    t.same([...db.prepare(q).iterate()], [{ id: 1, name: 'alice' }]);
    t.equal(db.prepare("UPDATE users SET name = 'alice' WHERE name = 'alice'").run().changes, 1);
    db.exec("SELECT 1 WHERE 'alice' = 'alice'");
    t.equal(typeof db.pragma('user_version', { simple: true }), 'number');
  });
  t.equal(events.attacks().length, 0, 'no finding for benign input');
});

t.test('injection through prepare is refused before the statement exists', async (t) => {
  const input = "' OR '1'='1";
  let thrown: unknown;
  withInput({ source: 'query', name: 'name', value: input }, () => {
    try {
      db.prepare(`SELECT * FROM users WHERE name = '${input}'`).all();
    } catch (error) {
      thrown = error;
    }
  });
  t.type(thrown, RampartBlockedError);
  t.equal((thrown as RampartBlockedError).code, 'RAMPART_BLOCKED');
  t.equal((thrown as RampartBlockedError).kind, 'sql_injection');
  t.equal((thrown as RampartBlockedError).sink, 'better-sqlite3.prepare');
  const [event] = events.attacks();
  t.equal(event?.attributes['rampart.sink'], 'better-sqlite3.prepare');
  t.equal(event?.attributes['rampart.input.source'], 'query');
  t.equal(event?.attributes['db.system.name'], 'sqlite');
  t.notMatch(String(event?.attributes['db.query.text']), /1'='1/, 'literals are redacted in db.query.text');
  events.reset();
});

t.test('stacked DROP TABLE through exec never runs', async (t) => {
  const input = "x'); DROP TABLE users; --";
  t.throws(() => withInput({ source: 'body', name: 'note', value: input }, () => db.exec(`INSERT INTO users (name) VALUES ('${input}')`)), RampartBlockedError);
  t.equal(tableExists().n, 1, 'table still there');
  t.equal(userCount(), 2, 'no row inserted either');
  events.reset();
});

t.test('pragma with injected statement is refused', async (t) => {
  const input = 'user_version = 5; DROP TABLE users';
  t.throws(() => withInput({ name: 'p', value: input }, () => db.pragma(input)), RampartBlockedError);
  t.equal(tableExists().n, 1);
  events.reset();
});

t.test('driver errors pass through unchanged', async (t) => {
  withInput({ name: 'x', value: 'nothing-here' }, () => {
    t.throws(() => db.prepare('SELEC broken'), { code: 'SQLITE_ERROR' });
  });
});

t.test('hook is transparent: name, length, prototype chain', async (t) => {
  t.equal(Database.prototype.prepare.name, 'prepare');
  t.equal(Database.prototype.exec.length, 1);
  t.ok(db.prepare('SELECT 1') instanceof (db.prepare('SELECT 1').constructor as new () => unknown));
});

t.test('stop() restores the original methods', async (t) => {
  const wrapped = Database.prototype.prepare;
  stop();
  t.not(Database.prototype.prepare, wrapped);
  t.notOk(isWrapped(Database.prototype.prepare), 'the original is back');
  start({ logLevel: 'silent' });
  t.not(Database.prototype.prepare, wrapped, 'start again wraps anew');
});
