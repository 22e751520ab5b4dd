// mariadb (Connector/Node.js) against the real MariaDB server, promise API and callback API:
// connections (query, execute, prepare, batch, queryStream), pools and pool clusters.
// multipleStatements is on so that a missed stacked attack would really run.
import t from 'tap';
import { RampartBlockedError, start, stop } from '../../../src/index';
import { currentContext } from '../../../src/context/store';
import { captureOtelLogs } from '../../helpers/otel';
import { asInput, isBlocked, plain, ROWS, slotCases } from './_cases';

const events = captureOtelLogs();
start({ logLevel: 'silent' });

/* eslint-disable @typescript-eslint/no-require-imports */
const mariadb = require('mariadb') as typeof import('mariadb');
const mariadbCb = require('mariadb/callback') as typeof import('mariadb/callback');
/* eslint-enable @typescript-eslint/no-require-imports */

type Cb = (err: unknown, rows?: unknown) => void;
const T = `rampart_mariadb_${process.pid}`;
const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test', multipleStatements: true };
let admin: import('mariadb').Connection; // verification only, outside any request context
let conn: import('mariadb').Connection;
const pool = mariadb.createPool({ ...config, connectionLimit: 2 });
const cluster = mariadb.createPoolCluster();
cluster.add('one', { ...config, connectionLimit: 1 });
const cbConn = mariadbCb.createConnection(config);
const cbPool = mariadbCb.createPool({ ...config, connectionLimit: 2 });
const cases = slotCases(T, 'mysql');

t.before(async () => {
  admin = await mariadb.createConnection(config);
  conn = await mariadb.createConnection(config);
  await new Promise<void>((resolve, reject) => cbConn.query('SELECT 1', (err) => (err ? reject(err) : resolve())));
  await admin.query(`DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id INT PRIMARY KEY, name VARCHAR(50))`);
  await admin.query(`INSERT INTO ${T} (id, name) VALUES ${ROWS.map((r) => `(${r.id}, '${r.name}')`).join(', ')}`);
});
t.teardown(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await Promise.all([admin.end(), conn.end(), pool.end(), cluster.end()]);
  await new Promise<void>((resolve) => cbConn.end(() => resolve()));
  await new Promise<void>((resolve) => cbPool.end(() => resolve()));
  stop();
});

async function serverState(): Promise<{ table: boolean; ids: number[]; sleepers: number }> {
  const [{ n }] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [T]);
  const table = Number(n) === 1;
  const ids = table ? ((await admin.query(`SELECT id FROM ${T} ORDER BY id`)) as Array<{ id: number }>).map((r) => Number(r.id)) : [];
  const [sleep] = await admin.query(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%FROM ${T}%SLEEP%' AND ID <> CONNECTION_ID()`);
  return { table, ids, sleepers: Number(sleep.n) };
}
const INTACT = { table: true, ids: [1, 2, 3], sleepers: 0 };

function cb(run: (cb: Cb) => unknown): Promise<{ err: unknown; rows: unknown }> {
  return new Promise((resolve) => run((err, rows) => resolve({ err, rows })));
}

t.test('benign input: every slot returns the right rows', async (t) => {
  for (const c of cases) {
    const sql = c.sql(c.benign);
    await asInput(c.benign, async () => {
      t.same(plain(await pool.query(sql)), c.expected, `${c.slot}: pool`);
      t.same(plain(await conn.query(sql)), c.expected, `${c.slot}: connection`);
      t.same(plain((await cb((done) => cbConn.query(sql, done))).rows as unknown[]), c.expected, `${c.slot}: callback connection`);
    });
  }
  t.equal(events.attacks().length, 0, 'no finding for benign input');
});

t.test('benign input through every call shape', async (t) => {
  const sql = `SELECT id, name FROM ${T} WHERE name = 'alice'`;
  const tpl = `SELECT id, name FROM ${T} WHERE name = ?`;
  const want = [ROWS[0]];
  await asInput('alice', async () => {
    t.same(plain(await conn.query({ sql: tpl }, ['alice'])), want, 'options object');
    t.same(plain(await conn.execute(tpl, ['alice'])), want, 'execute');
    const stmt = await conn.prepare(tpl);
    t.same(plain(await stmt.execute(['alice'])), want, 'prepare');
    stmt.close();
    const streamed: unknown[] = [];
    for await (const row of conn.queryStream(sql)) streamed.push(row);
    t.same(plain(streamed), want, 'queryStream');
    const batch = await conn.batch(`UPDATE ${T} SET name = ? WHERE name = 'alice'`, [['alice']]);
    t.equal(Number((batch as { affectedRows: number }).affectedRows), 1, 'batch');
    t.same(plain(await pool.execute(tpl, ['alice'])), want, 'pool execute');
    const pc = await pool.getConnection();
    try {
      t.same(plain(await pc.query(sql)), want, 'pooled connection');
    } finally {
      await pc.release();
    }
    t.same(plain(await cluster.of('one').query(sql)), want, 'pool cluster');
    t.same(plain((await cb((done) => cbPool.query(sql, done))).rows as unknown[]), want, 'callback pool');
    t.same(plain((await cb((done) => cbConn.execute(tpl, ['alice'], done))).rows as unknown[]), want, 'callback execute');
  });
  t.equal(events.attacks().length, 0);
});

t.test('attacks in every slot are blocked before reaching the server', async (t) => {
  for (const c of cases) {
    const sql = c.sql(c.attack);
    await asInput(c.attack, async () => {
      await t.rejects(pool.query(sql), RampartBlockedError, `${c.slot}: pool`);
      await t.rejects(conn.query(sql), RampartBlockedError, `${c.slot}: connection`);
      t.ok(isBlocked((await cb((done) => cbConn.query(sql, done))).err), `${c.slot}: callback connection`);
    });
    t.same(await serverState(), INTACT, `${c.slot}: table intact, no row added, nothing sleeping`);
  }
  const sinks = events.attacks().map((e) => e.attributes['rampart.sink']);
  t.same(sinks, cases.flatMap(() => ['mariadb.pool.query', 'mariadb.query', 'mariadb.query']), 'one finding per call');
  t.equal(events.attacks()[0]?.attributes['db.system.name'], 'mariadb');
  events.reset();
});

t.test('blocked calls answer through the channel mariadb uses for errors', async (t) => {
  const attack = cases[0]!.attack;
  const sql = cases[0]!.sql(attack);
  await asInput(attack, async () => {
    await t.rejects(conn.execute(sql), RampartBlockedError, 'execute');
    await t.rejects(conn.prepare(sql), RampartBlockedError, 'prepare');
    await t.rejects(conn.batch(sql, [[1]]), RampartBlockedError, 'batch');
    await t.rejects(
      (async () => {
        for await (const row of conn.queryStream(sql)) t.fail(String(row));
      })(),
      RampartBlockedError,
      'queryStream',
    );
    await t.rejects(pool.execute(sql), RampartBlockedError, 'pool execute');
    await t.rejects(pool.batch(sql, [[1]]), RampartBlockedError, 'pool batch');
    await t.rejects(cluster.of('one').query(sql), RampartBlockedError, 'pool cluster');
    t.ok(isBlocked((await cb((done) => cbPool.query(sql, done))).err), 'callback pool');
    t.ok(isBlocked((await cb((done) => cbConn.execute(sql, [], done))).err), 'callback execute');
    t.ok(isBlocked((await cb((done) => cbConn.batch(sql, [[1]], done))).err), 'callback batch');
    const pooled = await new Promise<import('mariadb/callback').PoolConnection>((resolve, reject) => cbPool.getConnection((err, c) => (err ? reject(err) : resolve(c!))));
    t.ok(isBlocked((await cb((done) => pooled.query(sql, done))).err), 'callback pooled connection');
    pooled.release(() => undefined);
  });
  t.same(await serverState(), INTACT);
  t.same(plain(await pool.query(`SELECT id, name FROM ${T} WHERE id = 1`)), [ROWS[0]], 'pool still serves');
  events.reset();
});

t.test('driver errors are unchanged', async (t) => {
  await asInput('alice', async () => {
    await t.rejects(conn.query(`SELEC id FROM ${T} WHERE name = 'alice'`), { code: 'ER_PARSE_ERROR', constructor: mariadb.SqlError });
    t.match((await cb((done) => cbConn.query(`SELEC id FROM ${T} WHERE name = 'alice'`, done))).err, { code: 'ER_PARSE_ERROR' });
  });
  t.equal(events.attacks().length, 0);
});

t.test('callbacks run in the caller’s request context', async (t) => {
  for (const run of [(done: Cb) => cbPool.query('SELECT 1', done), (done: Cb) => cbConn.query('SELECT 1', done)]) {
    const same = await asInput('ctx', () => {
      const mine = currentContext();
      return new Promise<boolean>((resolve) => run(() => resolve(currentContext() === mine)));
    });
    t.ok(same);
  }
});
