// mysqljs object expansion against the real MariaDB server, over real HTTP: an object from a
// JSON body passed for a `?` that expects one value becomes `key` = value pairs (the classic
// `{"pass": {"pass": 1}}` login bypass). The attack is shown to work without rampart, then
// refused inside a request with the row not returned; records where the app means them
// (`SET ?`, `WHERE ?`, a SET list) still run, and drivers that do not expand are left alone.
import type { Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../../src/index';
import { closeServer, listen, postJson } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { failOnConnectionError } from '../../helpers/databases';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });

type Cb = (err: unknown, rows?: unknown) => void;
interface Queryable {
  query(sql: string, values: unknown, cb: Cb): unknown;
  end(cb?: () => void): void;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const express = require('express') as typeof import('express');
const mysql = require('mysql') as { createConnection(config: object): Queryable };
const mysql2 = require('mysql2') as { createConnection(config: object): Queryable & { on(e: 'error', l: (err: Error) => void): unknown } };
/* eslint-enable @typescript-eslint/no-require-imports */

const T = `rampart_objvals_${process.pid}`;
const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test' };
const admin = mysql.createConnection(config); // verification only, outside any request context
const conns: Record<string, Queryable> = {
  mysql: mysql.createConnection(config),
  'mysql-stringify': mysql.createConnection({ ...config, stringifyObjects: true }),
  mysql2: failOnConnectionError(mysql2.createConnection(config)),
};

function run(conn: Queryable, sql: string, values: unknown): Promise<{ err: unknown; rows: unknown }> {
  return new Promise((resolve) => conn.query(sql, values, (err, rows) => resolve({ err, rows })));
}
async function rows(conn: Queryable, sql: string, values: unknown = []): Promise<Array<Record<string, unknown>>> {
  const { err, rows } = await run(conn, sql, values);
  if (err) throw err;
  return rows as Array<Record<string, unknown>>;
}

const LOGIN = `SELECT name FROM ${T} WHERE name = ? AND pass = ?`;
const app = express();
app.use(express.json());
/** Runs one query built from the body; answers with the rows, or 500 with the driver's error code. */
function route(path: string, sql: string, values: (body: Record<string, unknown>) => unknown): void {
  app.post(`/:driver${path}`, (req, res) => {
    const conn = conns[req.params.driver]!;
    conn.query(sql, values(req.body as Record<string, unknown>), (err, result) => {
      if (res.headersSent) return; // refused: rampart answered 403 already
      if (err) res.status(500).json({ code: (err as { code?: string }).code });
      else res.json(result);
    });
  });
}
route('/login', LOGIN, (b) => [b.name, b.pass]);
route('/in', `SELECT name FROM ${T} WHERE pass IN (?)`, (b) => [b.pass]);
route('/signup', `INSERT INTO ${T} SET ?`, (b) => b.user);
route('/find', `SELECT name FROM ${T} WHERE ?`, (b) => ({ name: b.name })); // the app's own record
route('/find-paren', `SELECT name FROM ${T} WHERE (?) AND pass <> ''`, (b) => [{ name: b.name }]);
route('/update', `UPDATE ${T} SET note = ?, ? WHERE name = ?`, (b) => [b.note, b.changes, b.name]);

let server: Server;
let base = '';
t.before(async () => {
  await rows(admin, `DROP TABLE IF EXISTS ${T}`);
  await rows(admin, `CREATE TABLE ${T} (name VARCHAR(50) PRIMARY KEY, pass VARCHAR(50), note VARCHAR(50))`);
  await rows(admin, `INSERT INTO ${T} (name, pass, note) VALUES ('admin', 's3cret', ''), ('bob', 'hunter2', '')`);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  server.close();
  base = await listen(server);
});
t.teardown(async () => {
  await rows(admin, `DROP TABLE IF EXISTS ${T}`);
  await closeServer(server);
  await Promise.all([admin, ...Object.values(conns)].map((c) => new Promise<void>((resolve) => c.end(() => resolve()))));
  stop();
});

t.test('the attack is real: mysql expands the record into a comparison that matches every row', async (t) => {
  const leaked = await rows(admin, LOGIN, ['admin', { pass: 1 }]);
  t.same(leaked.map((r) => r.name), ['admin'], 'outside a request the bypass logs in as admin');
});

t.test('a record for a value slot is refused, the row is not returned, the app keeps serving', async (t) => {
  events.reset();
  for (const [path, body] of [
    ['/mysql/login', { name: 'admin', pass: { pass: 1 } }],
    ['/mysql/login', { name: 'admin', pass: { pass: '1', name: 'x' } }],
    ['/mysql/in', { pass: { pass: 1 } }],
  ] as const) {
    const res = await postJson(base + path, body);
    t.equal(res.status, 403, `${path} ${JSON.stringify(body)}: refused`);
    t.notMatch(res.text, /admin|bob/, 'no row in the answer');
  }
  const found = events.attacks();
  t.equal(found.length, 3, 'one finding per call');
  t.equal(found[0]?.attributes['security_rule.name'], 'sqli.object-expansion');
  t.equal(found[0]?.attributes['rampart.sink'], 'mysql.query');
  const again = await postJson(`${base}/mysql/login`, { name: 'admin', pass: 's3cret' });
  t.same(again.json(), [{ name: 'admin' }], 'still up: the right password logs in');
});

t.test('benign twins: strings in value slots, records where the app means them', async (t) => {
  events.reset();
  t.same((await postJson(`${base}/mysql/login`, { name: 'bob', pass: 'hunter2' })).json(), [{ name: 'bob' }], 'login');
  t.same((await postJson(`${base}/mysql/login`, { name: 'bob', pass: 'wrong' })).json(), [], 'wrong password');
  t.same((await postJson(`${base}/mysql/in`, { pass: ['hunter2', 'x'] })).json(), [{ name: 'bob' }], 'an array in IN (?) is a value list');
  const signup = await postJson(`${base}/mysql/signup`, { user: { name: 'carol', pass: 'pw', note: 'new' } });
  t.equal(signup.status, 200, 'INSERT ... SET ? with the body record');
  t.same(await rows(admin, `SELECT name, pass, note FROM ${T} WHERE name = 'carol'`), [{ name: 'carol', pass: 'pw', note: 'new' }], 'row written as sent');
  t.same((await postJson(`${base}/mysql/find`, { name: 'carol' })).json(), [{ name: 'carol' }], 'WHERE ? with the app record');
  t.same((await postJson(`${base}/mysql/find-paren`, { name: 'bob' })).json(), [{ name: 'bob' }], 'WHERE (?)');
  const update = await postJson(`${base}/mysql/update`, { note: 'n1', changes: { pass: 'pw2' }, name: 'carol' });
  t.equal(update.status, 200, 'a record in a SET list');
  t.same(await rows(admin, `SELECT pass, note FROM ${T} WHERE name = 'carol'`), [{ pass: 'pw2', note: 'n1' }], 'update applied');
  t.equal(events.attacks().length, 0, 'no finding');
});

t.test('drivers that do not expand records there are not refused', async (t) => {
  events.reset();
  for (const driver of ['mysql-stringify', 'mysql2']) {
    const res = await postJson(`${base}/${driver}/login`, { name: 'admin', pass: { pass: 1 } });
    t.equal(res.status, 200, `${driver}: the record is sent as a string`);
    t.same(res.json(), [], `${driver}: and matches no password`);
  }
  t.equal(events.attacks().length, 0, 'no finding');
});
