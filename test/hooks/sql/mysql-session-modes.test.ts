// Session SQL modes against the real MariaDB server: with NO_BACKSLASH_ESCAPES set by the
// app, the driver's backslash escaping (`conn.escape`) no longer escapes, and
// `x' OR 1=1 -- ` escaped to `'x\' OR 1=1 -- '` ends the string on the server. rampart
// learns the mode from the app's own SET statement and lexes that connection's queries the
// same way: the attack is shown to return every row without rampart, and is refused inside
// a request; the same input on a default-mode connection is escaped and is not refused.
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { failOnConnectionError } from '../../helpers/databases';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });

type Cb = (err: unknown, rows?: unknown) => void;
interface Conn {
  query(sql: string, cb: Cb): unknown;
  escape(value: string): string;
  end(cb?: () => void): void;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const mysql = require('mysql') as { createConnection(config: object): Conn };
const mysql2 = require('mysql2') as { createConnection(config: object): Conn & { on(e: 'error', l: (err: Error) => void): unknown } };
/* eslint-enable @typescript-eslint/no-require-imports */

const T = `rampart_modes_${process.pid}`;
const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test' };
const admin = mysql.createConnection(config);
const conns = {
  'mysql NO_BACKSLASH_ESCAPES': mysql.createConnection(config),
  'mysql2 NO_BACKSLASH_ESCAPES': failOnConnectionError(mysql2.createConnection(config)),
  'mysql default': mysql.createConnection(config),
};
const noBackslash = [conns['mysql NO_BACKSLASH_ESCAPES'], conns['mysql2 NO_BACKSLASH_ESCAPES']];

function run(conn: Conn, sql: string): Promise<{ err: unknown; rows: Array<{ name: string }> }> {
  return new Promise((resolve) => conn.query(sql, (err, rows) => resolve({ err, rows: rows as Array<{ name: string }> })));
}
async function rows(conn: Conn, sql: string): Promise<Array<{ name: string }>> {
  const r = await run(conn, sql);
  if (r.err) throw r.err;
  return r.rows;
}
/** The app's lookup: the driver's own escaping, correct only in the default mode. */
const lookup = (conn: Conn, name: string): string => `SELECT name FROM ${T} WHERE name = ${conn.escape(name)} ORDER BY name`;
const ATTACK = "x' OR 1=1 -- ";

t.before(async () => {
  await rows(admin, `DROP TABLE IF EXISTS ${T}`);
  await rows(admin, `CREATE TABLE ${T} (name VARCHAR(50))`);
  await rows(admin, `INSERT INTO ${T} VALUES ('alice'), ('bob')`);
  // The app sets the mode on its connections at start-up, outside any request.
  for (const conn of noBackslash) await rows(conn, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
});
t.teardown(async () => {
  await rows(admin, `DROP TABLE IF EXISTS ${T}`);
  await Promise.all([admin, ...Object.values(conns)].map((c) => new Promise<void>((resolve) => c.end(() => resolve()))));
  stop();
});

t.test('the attack is real: in that session the escaped input ends the string', async (t) => {
  await rows(admin, "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'");
  t.same((await rows(admin, lookup(admin, ATTACK))).map((r) => r.name), ['alice', 'bob'], 'every row');
  await rows(admin, "SET SESSION sql_mode = DEFAULT");
});

t.test('refused on connections whose session set NO_BACKSLASH_ESCAPES', async (t) => {
  events.reset();
  for (const [name, conn] of Object.entries(conns).slice(0, 2)) {
    const r = await withInput({ source: 'query', name: 'name', value: ATTACK }, () => run(conn, lookup(conn, ATTACK)));
    t.type(r.err, RampartBlockedError, `${name}: refused`);
    t.equal(r.rows, undefined, `${name}: no rows`);
    const benign = await withInput({ source: 'query', name: 'name', value: 'bob' }, () => rows(conn, lookup(conn, 'bob')));
    t.same(benign, [{ name: 'bob' }], `${name}: benign twin, and the connection still serves`);
  }
  t.equal(events.attacks().length, 2);
});

t.test('default-mode sessions: the escaped input stays a string, not refused', async (t) => {
  events.reset();
  const conn = conns['mysql default'];
  const r = await withInput({ source: 'query', name: 'name', value: ATTACK }, () => run(conn, lookup(conn, ATTACK)));
  t.error(r.err, 'runs');
  t.same(r.rows, [], 'and matches nothing');
  const slash = await withInput({ source: 'query', name: 'name', value: 'C:\\dir' }, () => run(conns['mysql NO_BACKSLASH_ESCAPES'], lookup(conns['mysql NO_BACKSLASH_ESCAPES'], 'C:\\dir')));
  t.error(slash.err, 'a backslash without a quote is text in either mode');
  t.equal(events.attacks().length, 0);
});

t.test('the mode is learnt per connection and follows later SET statements', async (t) => {
  const conn = conns['mysql NO_BACKSLASH_ESCAPES'];
  await rows(conn, "SET sql_mode = ''");
  const r = await withInput({ source: 'query', name: 'name', value: ATTACK }, () => run(conn, lookup(conn, ATTACK)));
  t.error(r.err, 'back in the default mode the escaping holds again');
  t.same(r.rows, []);
  await rows(conn, "SET @@SESSION.sql_mode := 'NO_BACKSLASH_ESCAPES'");
  const again = await withInput({ source: 'query', name: 'name', value: ATTACK }, () => run(conn, lookup(conn, ATTACK)));
  t.type(again.err, RampartBlockedError, 'and refused once the mode is set again');
});

t.test('a mode set from a value rampart cannot read is judged under both readings', async (t) => {
  for (const [name, conn] of [['mysql', mysql.createConnection(config)], ['mysql2', failOnConnectionError(mysql2.createConnection(config))]] as const) {
    await rows(conn, "SET @wanted = CONCAT('NO_BACKSLASH', '_ESCAPES')");
    await rows(conn, 'SET sql_mode = @wanted');
    t.same((await rows(conn, lookup(conn, ATTACK))).map((r) => r.name), ['alice', 'bob'], `${name}: the server does run without backslash escapes`);
    const r = await withInput({ source: 'query', name: 'name', value: ATTACK }, () => run(conn, lookup(conn, ATTACK)));
    t.type(r.err, RampartBlockedError, `${name}: refused`);
    t.equal(r.rows, undefined, `${name}: no rows`);
    const benign = await withInput({ source: 'query', name: 'name', value: 'bob' }, () => rows(conn, lookup(conn, 'bob')));
    t.same(benign, [{ name: 'bob' }], `${name}: benign twin`);
    await new Promise<void>((resolve) => conn.end(() => resolve()));
  }
});
