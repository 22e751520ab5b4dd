// Monitor mode for every SQL driver hook: the injected query runs (it returns every row)
// and exactly one finding is reported per call, also where a pool delegates to a client.
import { isWrapped } from '../../../src/hooks/wrap';
import t from 'tap';
import { start, stop } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { asInput, plain, ROWS } from './_cases';

const events = captureOtelLogs();
start({ mode: 'monitor', logLevel: 'silent' });

/* eslint-disable @typescript-eslint/no-require-imports */
const pg = require('pg') as typeof import('pg');
const postgres = require('postgres') as typeof import('postgres');
const mysql2 = require('mysql2/promise') as typeof import('mysql2/promise');
const mysql = require('mysql') as { createPool(c: object): { query(sql: string, cb: (err: unknown, rows: unknown[]) => void): void; end(cb: () => void): void } };
const mariadb = require('mariadb') as typeof import('mariadb');
const sqlite3 = require('sqlite3') as typeof import('sqlite3');
/* eslint-enable @typescript-eslint/no-require-imports */

const T = `rampart_monitor_${process.pid}`;
const pgConfig = { host: '127.0.0.1', user: 'postgres', database: 'rampart_test' };
const myConfig = { host: '127.0.0.1', user: 'root', password: '', database: 'rampart_test' };
const pgPool = new pg.Pool({ ...pgConfig, max: 1 });
const pgClient = new pg.Client(pgConfig);
const sql = postgres({ ...pgConfig, max: 1, onnotice: () => undefined });
const myPool = mysql2.createPool({ ...myConfig, connectionLimit: 1 });
const mysqlPool = mysql.createPool({ ...myConfig, connectionLimit: 1 });
const mariaPool = mariadb.createPool({ ...myConfig, connectionLimit: 1 });
const lite = new sqlite3.Database(':memory:');
const values = ROWS.map((r) => `(${r.id}, '${r.name}')`).join(', ');

t.before(async () => {
  await pgClient.connect();
  await pgPool.query(`DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id int PRIMARY KEY, name text); INSERT INTO ${T} VALUES ${values}`);
  await myPool.query(`DROP TABLE IF EXISTS ${T}`);
  await myPool.query(`CREATE TABLE ${T} (id INT PRIMARY KEY, name VARCHAR(50))`);
  await myPool.query(`INSERT INTO ${T} VALUES ${values}`);
  await new Promise((resolve) => lite.exec(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO ${T} VALUES ${values}`, resolve));
});
t.teardown(async () => {
  await pgPool.query(`DROP TABLE IF EXISTS ${T}`);
  await myPool.query(`DROP TABLE IF EXISTS ${T}`);
  await Promise.all([pgPool.end(), pgClient.end(), sql.end(), myPool.end(), mariaPool.end(), new Promise<void>((r) => mysqlPool.end(() => r())), new Promise((r) => lite.close(r))]);
  stop();
});

const tautology = `x' OR '1'='1`;
const query = `SELECT id, name FROM ${T} WHERE name = '${tautology}' ORDER BY id`;

const runs: Array<[string, string, () => Promise<unknown[]>]> = [
  ['pg pool', 'pg.pool.query', async () => (await pgPool.query(query)).rows],
  ['pg client', 'pg.query', async () => (await pgClient.query(query)).rows],
  ['postgres.js', 'postgres.unsafe', async () => [...(await sql.unsafe(query))]],
  ['mysql2 pool', 'mysql2.query', async () => (await myPool.query(query))[0] as unknown[]],
  ['mysql pool', 'mysql.query', () => new Promise((resolve, reject) => mysqlPool.query(query, (err, rows) => (err ? reject(err) : resolve(rows))))],
  ['mariadb pool', 'mariadb.pool.query', () => mariaPool.query(query)],
  ['sqlite3', 'sqlite3.all', () => new Promise((resolve, reject) => lite.all(query, (err, rows) => (err ? reject(err) : resolve(rows))))],
];

for (const [name, sink, run] of runs) {
  t.test(`${name}: the query runs and one finding is reported`, async (t) => {
    events.reset();
    const rows = await asInput(tautology, run);
    t.same(plain(rows), ROWS, 'the injected query ran and returned every row');
    const attacks = events.attacks();
    t.equal(attacks.length, 1, 'exactly one finding');
    t.equal(attacks[0]?.attributes['rampart.action'], 'monitored');
    t.equal(attacks[0]?.attributes['rampart.sink'], sink);
  });
}

t.test('stop() restores every driver method and start() wraps them again', async (t) => {
  const methods: Array<[string, () => unknown]> = [
    ['pg Client#query', () => pg.Client.prototype.query],
    ['pg-pool Pool#query', () => pg.Pool.prototype.query],
    ['postgres.js Query#handle', () => (Object.getPrototypeOf(sql.unsafe('SELECT 1')) as { handle: unknown }).handle],
    ['mysql2 Pool#getConnection', () => (myPool.pool as unknown as { getConnection: unknown }).getConnection],
    ['mariadb pool#query', () => (Object.getPrototypeOf(mariaPool) as { query: unknown }).query],
    ['sqlite3 Database#all', () => sqlite3.Database.prototype.all],
  ];
  for (const [name, get] of methods) t.ok(isWrapped(get()), `${name} is wrapped`);
  stop();
  for (const [name, get] of methods) t.notOk(isWrapped(get()), `${name} is restored`);
  start({ mode: 'monitor', logLevel: 'silent' });
  // Packages loaded by their main file are patched again at start (with a warning). Hooks on
  // internal files (mysql2, mysql, postgres.js) are not, and mariadb's prototypes are patched
  // again only when its factories hand out the next object: see docs/sql.md.
  for (const [name, get] of methods.slice(0, 2).concat(methods.slice(5))) t.ok(isWrapped(get()), `${name} is wrapped again`);
});
