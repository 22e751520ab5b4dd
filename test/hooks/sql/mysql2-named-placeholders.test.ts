// mysql2 named placeholders (`namedPlaceholders: true`, `:name` in the text, an object of
// values), against the real MariaDB server. mysql2 turns the names into `?` and formats the
// values like positional ones; rampart judges each value by the slot its name stands in, as
// for `?` (a record where one value belongs would expand into `key = value` pairs). The
// mysql2 release installed here (3.24, sql-escaper) expands records only in SET lists, so on
// it a record for `:pass` stays a string and nothing is refused; the slot verdict for a
// formatter that expands is shown with mysql2's own name conversion and mysqljs's formatter
// (the sqlstring formatting mysql2 used before 3.15), whose bypass is run on the server.
import t from 'tap';
import { start, stop, withInput } from '../../../src/index';
import { DEFAULT_CONFIG } from '../../../src/config/defaults';
import { sqlValuesDetector } from '../../../src/checks/sql-values';
import { captureOtelLogs } from '../../helpers/otel';
import { failOnConnectionError } from '../../helpers/databases';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });

type Cb = (err: unknown, rows?: unknown) => void;
interface Conn {
  query(sql: string | { sql: string; namedPlaceholders?: boolean }, values: unknown, cb: Cb): unknown;
  end(cb?: () => void): void;
  on(e: 'error', l: (err: Error) => void): unknown;
  _resolveNamedPlaceholders(o: { sql: string; values: unknown; namedPlaceholders?: boolean }): void;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const mysql2 = require('mysql2') as { createConnection(config: object): Conn };
const mysql = require('mysql') as { format(sql: string, values: unknown[]): string; createConnection(config: object): Conn };
/* eslint-enable @typescript-eslint/no-require-imports */

const T = `rampart_named_${process.pid}`;
const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test' };
const admin = mysql.createConnection(config); // verification only, outside any request context
const named = failOnConnectionError(mysql2.createConnection({ ...config, namedPlaceholders: true }));
const LOGIN = `SELECT name FROM ${T} WHERE name = :name AND pass = :pass`;

function run(conn: Conn, sql: string | { sql: string; namedPlaceholders?: boolean }, values: unknown = []): Promise<{ err: unknown; rows: Array<{ name: string }> }> {
  return new Promise((resolve) => conn.query(sql, values, (err, rows) => resolve({ err, rows: rows as Array<{ name: string }> })));
}

t.before(async () => {
  await run(admin, `DROP TABLE IF EXISTS ${T}`);
  await run(admin, `CREATE TABLE ${T} (name VARCHAR(50), pass VARCHAR(50))`);
  await run(admin, `INSERT INTO ${T} VALUES ('admin', 's3cret'), ('bob', 'b0b')`);
});
t.teardown(async () => {
  await run(admin, `DROP TABLE IF EXISTS ${T}`);
  await Promise.all([admin, named].map((c) => new Promise<void>((resolve) => c.end(() => resolve()))));
  stop();
});

t.test('benign named values run and return the right row', async (t) => {
  events.reset();
  const r = await withInput({ source: 'body', name: 'pass', value: 'b0b' }, () => run(named, LOGIN, { name: 'bob', pass: 'b0b' }));
  t.error(r.err);
  t.same(r.rows, [{ name: 'bob' }]);
  const set = await withInput({ source: 'body', name: 'pass', value: 'n3w' }, () => run(named, `UPDATE ${T} SET :changes WHERE name = :name`, { changes: { pass: 'n3w' }, name: 'bob' }));
  t.error(set.err, 'a record for a SET list is the app’s own use');
  t.same((await run(admin, `SELECT pass FROM ${T} WHERE name = 'bob'`)).rows, [{ pass: 'n3w' }]);
  t.equal(events.attacks().length, 0);
});

t.test('mysql2 3.24 does not expand a record in a condition: no bypass, nothing refused', async (t) => {
  const r = await withInput({ source: 'body', name: 'name', value: 'admin' }, () => run(named, LOGIN, { name: 'admin', pass: { pass: 1 } }));
  t.error(r.err, 'not refused: the record is formatted as a string');
  t.same(r.rows, [], 'and logs nobody in');
});

t.test('where records expand, a record in a value slot is refused by the slot its name stands in', async (t) => {
  // mysql2's own conversion of the names, then the sqlstring formatting that expands records.
  const positional = { sql: LOGIN, values: { name: 'admin', pass: { pass: 1 } } as unknown, namedPlaceholders: true };
  named._resolveNamedPlaceholders(positional);
  t.equal(positional.sql, `SELECT name FROM ${T} WHERE name = ? AND pass = ?`);
  const expanded = mysql.format(positional.sql, positional.values as unknown[]);
  t.match(expanded, /pass = `pass` = 1/);
  t.same((await run(admin, expanded)).rows, [{ name: 'admin' }], 'the bypass is real: it logs in as admin without the password');
  const detector = sqlValuesDetector('mysql');
  const values = positional.values as unknown[];
  const found = detector.detect({ sql: LOGIN, values, slots: positional.sql }, [], DEFAULT_CONFIG, false);
  t.equal(found?.rule, 'sqli.object-expansion', 'refused');
  t.equal(found?.input.path, 'sql.values.1', 'the value of :pass');
  const where = { sql: `SELECT name FROM ${T} WHERE :cond`, values: { cond: { name: 'bob' } } as unknown, namedPlaceholders: true };
  named._resolveNamedPlaceholders(where);
  t.equal(detector.detect({ sql: `SELECT name FROM ${T} WHERE :cond`, values: where.values as unknown[], slots: where.sql }, [], DEFAULT_CONFIG, false), undefined, 'WHERE :cond with a record is the app’s own use');
  t.same((await run(admin, mysql.format(where.sql, where.values as unknown[]))).rows, [{ name: 'bob' }], 'and returns the right row');
});
