// SQL driver hooks are invisible to benign code: better-sqlite3, pg and mysql2 return the
// same values, keep `this`, and report errors with the same objects, compared with the
// original methods (the functions each rampart wrapper calls on to).
/* eslint-disable @typescript-eslint/no-require-imports */
import { join } from 'node:path';
import t from 'tap';
import { start, stop, withInput } from '../../src/index';
import { firstAppFrame, isWrapped, wrappedBy } from '../fixtures/hardening-shape';
import { failOnConnectionError } from '../helpers/databases';

start({ logLevel: 'silent' });
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const pg = require('pg') as typeof import('pg');
const mysql = require('mysql2') as typeof import('mysql2');

type Fn = (this: unknown, ...args: unknown[]) => unknown;
const originalOf = (fn: unknown): Fn => {
  if (!isWrapped(fn)) throw new Error('not hooked');
  return wrappedBy(fn) as Fn;
};

const RAMPART_DIRS = [join(__dirname, '..', '..', 'src') + '/', join(__dirname, '..', '..', 'dist') + '/'];
const benign = <T>(fn: () => T): T => withInput({ source: 'query', name: 'name', value: 'alice' }, fn);

const db = new Database(':memory:');
db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('alice'), ('bob')");
const pgClient = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'rampart_test' });
const myConn = failOnConnectionError(mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test' }));
t.before(() => pgClient.connect());
t.teardown(async () => {
  db.close();
  await pgClient.end();
  await myConn.promise().end();
  stop();
});

function thrown(fn: () => unknown): Error & { code?: unknown } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

t.test('better-sqlite3: return values, `this`, sync errors', async (t) => {
  const prepare = originalOf(Database.prototype.prepare);
  const exec = originalOf(Database.prototype.exec);
  benign(() => {
    const stmt = db.prepare("SELECT id, name FROM users WHERE name = 'alice'");
    const theirs = prepare.call(db, "SELECT id, name FROM users WHERE name = 'alice'") as typeof stmt;
    t.equal(stmt.constructor, theirs.constructor, 'a Statement');
    t.equal(stmt.database, db, 'bound to the database it was called on');
    t.same(stmt.get(), theirs.get());
    t.equal(stmt.reader, true);
    t.equal(db.exec("UPDATE users SET name = name WHERE name = 'alice'"), db, 'exec returns the database, for chaining');
    t.equal(exec.call(db, 'SELECT 1'), db);
    t.equal(db.pragma('user_version', { simple: true }), 0);
    const mine = thrown(() => db.prepare('SELEC broken'));
    const orig = thrown(() => prepare.call(db, 'SELEC broken'));
    t.same({ class: mine.constructor.name, code: mine.code, message: mine.message }, { class: orig.constructor.name, code: orig.code, message: orig.message });
    t.equal(mine.constructor, Database.SqliteError);
    t.match(firstAppFrame(mine, RAMPART_DIRS), /transparency-sql\.test\.ts/);
    // A transaction function calls the patched prepare/exec internally.
    const insert = db.transaction((name: string) => db.prepare('INSERT INTO users (name) VALUES (?)').run(name).changes);
    t.equal(insert('carol'), 1);
  });
});

t.test('pg: promise and callback forms, same results and errors', async (t) => {
  const query = originalOf(pg.Client.prototype.query);
  await benign(async () => {
    const sql = "SELECT 'alice'::text AS name, 1::int AS n";
    const mine = await pgClient.query(sql);
    const theirs = (await query.call(pgClient, sql)) as typeof mine;
    t.same(mine.rows, theirs.rows);
    t.same(mine.fields.map((f) => f.name), theirs.fields.map((f) => f.name));
    t.equal(mine.command, 'SELECT');
    const viaCallback = await new Promise<unknown[]>((resolve) => {
      const returned = pgClient.query(sql, (...args: unknown[]) => resolve([returned, ...args]));
    });
    t.equal(viaCallback[0], undefined, 'callback form returns undefined');
    t.equal(viaCallback[1], null);
    t.same((viaCallback[2] as { rows: unknown[] }).rows, mine.rows);
    const e1 = (await pgClient.query("SELEC 'alice'").catch((e: unknown) => e)) as Error & { code: string; position: string };
    const e2 = (await (query.call(pgClient, "SELEC 'alice'") as Promise<unknown>).catch((e: unknown) => e)) as typeof e1;
    t.same({ class: e1.constructor.name, code: e1.code, message: e1.message, position: e1.position }, { class: e2.constructor.name, code: e2.code, message: e2.message, position: e2.position });
    t.equal(e1.code, '42601');
  });
});

t.test('mysql2: callback arguments and errors match', async (t) => {
  const query = originalOf((Object.getPrototypeOf(Object.getPrototypeOf(myConn)) as { query: unknown }).query ?? Object.getPrototypeOf(myConn).query);
  await benign(async () => {
    const sql = "SELECT 'alice' AS name, 1 AS n";
    const run = (fn: (...a: unknown[]) => unknown, text: string) =>
      new Promise<unknown[]>((resolve) => {
        fn.call(myConn, text, (err: unknown, rows: unknown, fields: Array<{ name: string }> | undefined) => resolve([err, rows, fields?.map((f) => f.name)]));
      });
    t.same(await run(myConn.query as never, sql), await run(query as never, sql));
    const [e1] = (await run(myConn.query as never, "SELEC 'alice'")) as [Error & { code: string; errno: number; sqlMessage: string }];
    const [e2] = (await run(query as never, "SELEC 'alice'")) as [typeof e1];
    t.same({ class: e1.constructor.name, code: e1.code, errno: e1.errno, sql: e1.sqlMessage }, { class: e2.constructor.name, code: e2.code, errno: e2.errno, sql: e2.sqlMessage });
    t.equal(e1.code, 'ER_PARSE_ERROR');
    const [rows] = await myConn.promise().query(sql);
    t.same(rows, [{ name: 'alice', n: 1 }], 'the promise wrapper goes through the same hook');
  });
});
