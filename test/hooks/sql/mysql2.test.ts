// mysql2 against the real MariaDB server: callback connections (query, execute, prepare,
// streaming), mysql2/promise, pools and pool clusters. multipleStatements is on so that a
// missed stacked attack would really run.
import t from 'tap';
import { RampartBlockedError, start, stop } from '../../../src/index';
import { currentContext } from '../../../src/context/store';
import { captureOtelLogs } from '../../helpers/otel';
import { failOnConnectionError } from '../../helpers/databases';
import { asInput, isBlocked, plain, ROWS, slotCases } from './_cases';

const events = captureOtelLogs();
start({ logLevel: 'silent' });

/* eslint-disable @typescript-eslint/no-require-imports */
const mysql = require('mysql2') as typeof import('mysql2');
const mysqlPromise = require('mysql2/promise') as typeof import('mysql2/promise');
/* eslint-enable @typescript-eslint/no-require-imports */

const T = `rampart_mysql2_${process.pid}`;
const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test', multipleStatements: true };
const admin = failOnConnectionError(mysql.createConnection(config)).promise(); // verification only, outside any request context
const conn = failOnConnectionError(mysql.createConnection(config));
const pool = mysql.createPool({ ...config, connectionLimit: 2 });
const cluster = mysql.createPoolCluster();
cluster.add('one', config);
let promiseConn: import('mysql2/promise').Connection;
let promisePool: import('mysql2/promise').Pool;
const cases = slotCases(T, 'mysql');

type Rows = import('mysql2').RowDataPacket[];

t.before(async () => {
  promiseConn = await mysqlPromise.createConnection(config);
  promisePool = mysqlPromise.createPool({ ...config, connectionLimit: 2 });
  await admin.query(`DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id INT PRIMARY KEY, name VARCHAR(50))`);
  await admin.query(`INSERT INTO ${T} (id, name) VALUES ${ROWS.map((r) => `(${r.id}, '${r.name}')`).join(', ')}`);
});
t.teardown(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await Promise.all([admin.end(), conn.promise().end(), pool.promise().end(), promiseConn.end(), promisePool.end()]);
  await new Promise<void>((resolve) => cluster.end(() => resolve()));
  stop();
});

async function serverState(): Promise<{ table: boolean; ids: number[]; sleepers: number }> {
  const [tables] = await admin.query<Rows>('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [T]);
  const table = Number(tables[0]!.n) === 1;
  const ids = table ? (await admin.query<Rows>(`SELECT id FROM ${T} ORDER BY id`))[0].map((r) => Number(r.id)) : [];
  const [sleepers] = await admin.query<Rows>(
    `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%FROM ${T}%SLEEP%' AND ID <> CONNECTION_ID()`,
  );
  return { table, ids, sleepers: Number(sleepers[0]!.n) };
}
const INTACT = { table: true, ids: [1, 2, 3], sleepers: 0 };

function cbQuery(run: (cb: (err: unknown, rows?: unknown) => void) => unknown): Promise<{ err: unknown; rows: unknown }> {
  return new Promise((resolve) => run((err, rows) => resolve({ err, rows })));
}

t.test('benign input: every slot returns the right rows', async (t) => {
  for (const c of cases) {
    const sql = c.sql(c.benign);
    await asInput(c.benign, async () => {
      t.same(plain((await promisePool.query<Rows>(sql))[0]), c.expected, `${c.slot}: promise pool`);
      t.same(plain((await promiseConn.query<Rows>(sql))[0]), c.expected, `${c.slot}: promise connection`);
    });
  }
  t.equal(events.attacks().length, 0, 'no finding for benign input');
});

t.test('benign input through every call shape', async (t) => {
  const sql = `SELECT id, name FROM ${T} WHERE name = 'alice'`;
  const want = [ROWS[0]];
  await asInput('alice', async () => {
    t.same(plain((await cbQuery((cb) => conn.query(sql, cb))).rows as Rows), want, 'connection callback');
    const tpl = `SELECT id, name FROM ${T} WHERE name = ?`;
    t.same(plain((await cbQuery((cb) => conn.query(tpl, ['alice'], cb))).rows as Rows), want, 'client-side ? formatting');
    t.same(plain((await cbQuery((cb) => conn.query({ sql: tpl, values: ['alice'] }, cb))).rows as Rows), want, 'options object');
    t.same(plain((await cbQuery((cb) => conn.execute(tpl, ['alice'], cb))).rows as Rows), want, 'execute');
    const streamed: unknown[] = [];
    for await (const row of conn.query(sql).stream()) streamed.push(row);
    t.same(plain(streamed), want, 'query().stream()');
    const evented: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      const q = conn.query(sql);
      q.on('result', (row: unknown) => evented.push(row)).on('end', () => resolve()).on('error', reject);
    });
    t.same(plain(evented), want, 'query events');
    t.same(plain((await promiseConn.execute<Rows>(tpl, ['alice']))[0]), want, 'promise execute');
    const stmt = await promiseConn.prepare(tpl);
    t.same(plain((await stmt.execute(['alice']))[0] as Rows), want, 'promise prepare');
    await stmt.close();
    t.same(plain((await cbQuery((cb) => pool.query(sql, cb))).rows as Rows), want, 'pool callback');
    t.same(plain((await cbQuery((cb) => pool.execute(tpl, ['alice'], cb))).rows as Rows), want, 'pool execute');
    t.same(plain((await cbQuery((cb) => cluster.of('*').query(sql, cb))).rows as Rows), want, 'pool cluster');
    const pc = await promisePool.getConnection();
    try {
      t.same(plain((await pc.query<Rows>(sql))[0]), want, 'pooled connection');
    } finally {
      pc.release();
    }
  });
  t.equal(events.attacks().length, 0);
});

t.test('attacks in every slot are blocked before reaching the server', async (t) => {
  for (const c of cases) {
    await asInput(c.attack, async () => {
      await t.rejects(promisePool.query(c.sql(c.attack)), RampartBlockedError, `${c.slot}: promise pool`);
      const { err } = await cbQuery((cb) => conn.query(c.sql(c.attack), cb));
      t.ok(isBlocked(err), `${c.slot}: connection callback`);
    });
    t.same(await serverState(), INTACT, `${c.slot}: table intact, no row added, nothing sleeping`);
  }
  const [event] = events.attacks();
  t.equal(events.attacks().length, cases.length * 2, 'one finding per call');
  t.equal(event?.attributes['rampart.sink'], 'mysql2.query');
  t.equal(event?.attributes['db.system.name'], 'mysql');
  events.reset();
});

t.test('blocked calls answer through the channel mysql2 uses for errors', async (t) => {
  const attack = cases[1]!.attack;
  const sql = cases[1]!.sql(attack);
  await asInput(attack, async () => {
    const q = conn.query(sql);
    const ended = new Promise<void>((resolve) => q.on('end', () => resolve()));
    t.ok(isBlocked(await new Promise((resolve) => q.on('error', resolve))), 'query emits error');
    await ended; // then 'end', which pools wait for to release the connection
    await t.rejects(
      (async () => {
        for await (const row of conn.query(sql).stream()) t.fail(String(row));
      })(),
      RampartBlockedError,
      'stream errors',
    );
    t.ok(isBlocked((await cbQuery((cb) => conn.execute(sql, [], cb))).err), 'execute callback');
    t.ok(isBlocked((await cbQuery((cb) => conn.prepare(sql, cb))).err), 'prepare callback');
    await t.rejects(promiseConn.query(sql), RampartBlockedError, 'promise query');
    await t.rejects(promiseConn.execute(sql), RampartBlockedError, 'promise execute');
    await t.rejects(promiseConn.prepare(sql), RampartBlockedError, 'promise prepare');
    t.ok(isBlocked((await cbQuery((cb) => pool.query(sql, cb))).err), 'pool query callback');
    t.ok(isBlocked((await cbQuery((cb) => pool.execute(sql, [], cb))).err), 'pool execute callback');
    t.ok(isBlocked((await cbQuery((cb) => cluster.of('*').query(sql, cb))).err), 'pool cluster');
  });
  t.same(await serverState(), INTACT);
  // Blocked pool calls released their connections: the pool still serves both slots.
  const both = await Promise.all([promisePool.query<Rows>(`SELECT id FROM ${T} WHERE id = 1`), pool.promise().query<Rows>(`SELECT id FROM ${T} WHERE id = 2`), pool.promise().query<Rows>(`SELECT id FROM ${T} WHERE id = 3`)]);
  t.same(both.map(([rows]) => Number(rows[0]!.id)), [1, 2, 3], 'pools keep working');
  events.reset();
});

t.test('driver errors are unchanged', async (t) => {
  await asInput('alice', async () => {
    const { err } = await cbQuery((cb) => conn.query(`SELEC id FROM ${T} WHERE name = 'alice'`, cb));
    t.match(err, { code: 'ER_PARSE_ERROR', errno: 1064 });
    await t.rejects(promisePool.query(`SELECT nope FROM ${T} WHERE name = 'alice'`), { code: 'ER_BAD_FIELD_ERROR' });
  });
  t.equal(events.attacks().length, 0);
});

t.test('callbacks run in the caller’s request context', async (t) => {
  for (const run of [(cb: () => void) => pool.query('SELECT 1', cb), (cb: () => void) => conn.query('SELECT 1', cb), (cb: () => void) => cluster.of('*').query('SELECT 1', cb)]) {
    const same = await asInput('ctx', () => {
      const mine = currentContext();
      return new Promise<boolean>((resolve) => run(() => resolve(currentContext() === mine)));
    });
    t.ok(same);
  }
});
