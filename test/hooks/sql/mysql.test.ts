// mysql (mysqljs) against the real MariaDB server: Connection#query with callbacks, events
// and .stream(), pools and pool clusters. multipleStatements is on so that a missed
// stacked attack would really run.
import t from 'tap';
import { RampartBlockedError, start, stop } from '../../../src/index';
import { currentContext } from '../../../src/context/store';
import { captureOtelLogs } from '../../helpers/otel';
import { asInput, isBlocked, plain, ROWS, slotCases } from './_cases';

const events = captureOtelLogs();
start({ logLevel: 'silent' });

interface Query extends NodeJS.EventEmitter {
  stream(): NodeJS.ReadableStream;
}
type Cb = (err: unknown, rows?: unknown) => void;
interface Queryable {
  query(sql: unknown, values?: unknown, cb?: Cb): Query;
}
interface MysqlModule {
  createConnection(config: object): Queryable & { end(cb?: () => void): void };
  createPool(config: object): Queryable & { end(cb?: () => void): void; getConnection(cb: (err: unknown, conn: Queryable & { release(): void }) => void): void };
  createPoolCluster(): { add(id: string, config: object): void; of(pattern: string): Queryable; end(cb?: () => void): void };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mysql = require('mysql') as MysqlModule;

const T = `rampart_mysql_${process.pid}`;
const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test', multipleStatements: true };
const admin = mysql.createConnection(config); // verification only, outside any request context
const conn = mysql.createConnection(config);
const pool = mysql.createPool({ ...config, connectionLimit: 2 });
const cluster = mysql.createPoolCluster();
cluster.add('one', config);
const cases = slotCases(T, 'mysql');

function run(target: Queryable, sql: unknown, values?: unknown): Promise<{ err: unknown; rows: unknown }> {
  return new Promise((resolve) => {
    const cb: Cb = (err, rows) => resolve({ err, rows });
    if (values === undefined) target.query(sql, cb);
    else target.query(sql, values, cb);
  });
}
/** mysql's streams come from readable-stream 2 (not async iterable): collect by events. */
function collect(stream: NodeJS.ReadableStream): Promise<unknown[]> {
  const out: unknown[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (row: unknown) => out.push(row)).on('end', () => resolve(out)).on('error', reject);
  });
}
async function rows(target: Queryable, sql: unknown, values?: unknown): Promise<unknown[]> {
  const { err, rows } = await run(target, sql, values);
  if (err) throw err;
  return rows as unknown[];
}

t.before(async () => {
  await rows(admin, `DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id INT PRIMARY KEY, name VARCHAR(50))`);
  await rows(admin, `INSERT INTO ${T} (id, name) VALUES ${ROWS.map((r) => `(${r.id}, '${r.name}')`).join(', ')}`);
});
t.teardown(async () => {
  await rows(admin, `DROP TABLE IF EXISTS ${T}`);
  await Promise.all([admin, conn, pool, cluster].map((c) => new Promise<void>((resolve) => c.end(() => resolve()))));
  stop();
});

async function serverState(): Promise<{ table: boolean; ids: number[]; sleepers: number }> {
  const tables = (await rows(admin, 'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [T])) as Array<{ n: number }>;
  const table = Number(tables[0]!.n) === 1;
  const ids = table ? ((await rows(admin, `SELECT id FROM ${T} ORDER BY id`)) as Array<{ id: number }>).map((r) => r.id) : [];
  const sleepers = (await rows(admin, `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%FROM ${T}%SLEEP%' AND ID <> CONNECTION_ID()`)) as Array<{ n: number }>;
  return { table, ids, sleepers: Number(sleepers[0]!.n) };
}
const INTACT = { table: true, ids: [1, 2, 3], sleepers: 0 };

t.test('benign input: every slot returns the right rows', async (t) => {
  for (const c of cases) {
    await asInput(c.benign, async () => {
      t.same(plain(await rows(conn, c.sql(c.benign))), c.expected, `${c.slot}: connection`);
      t.same(plain(await rows(pool, c.sql(c.benign))), c.expected, `${c.slot}: pool`);
    });
  }
  t.equal(events.attacks().length, 0, 'no finding for benign input');
});

t.test('benign input through every call shape', async (t) => {
  const sql = `SELECT id, name FROM ${T} WHERE name = 'alice'`;
  const tpl = `SELECT id, name FROM ${T} WHERE name = ?`;
  const want = [ROWS[0]];
  await asInput('alice', async () => {
    t.same(plain(await rows(conn, tpl, ['alice'])), want, 'client-side ? formatting');
    t.same(plain(await rows(conn, { sql: tpl, values: ['alice'] })), want, 'options object');
    t.same(plain(await collect(conn.query(sql).stream())), want, 'query().stream()');
    const evented: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      conn.query(sql).on('result', (row: unknown) => evented.push(row)).on('end', () => resolve()).on('error', reject);
    });
    t.same(plain(evented), want, 'query events');
    t.same(plain(await rows(cluster.of('*'), sql)), want, 'pool cluster');
    const pc = await new Promise<Queryable & { release(): void }>((resolve, reject) => pool.getConnection((err, c) => (err ? reject(err) : resolve(c))));
    t.same(plain(await rows(pc, sql)), want, 'pooled connection');
    pc.release();
  });
  t.equal(events.attacks().length, 0);
});

t.test('attacks in every slot are blocked before reaching the server', async (t) => {
  for (const c of cases) {
    await asInput(c.attack, async () => {
      t.ok(isBlocked((await run(conn, c.sql(c.attack))).err), `${c.slot}: connection`);
      t.ok(isBlocked((await run(pool, c.sql(c.attack))).err), `${c.slot}: pool`);
    });
    t.same(await serverState(), INTACT, `${c.slot}: table intact, no row added, nothing sleeping`);
  }
  t.equal(events.attacks().length, cases.length * 2, 'one finding per call');
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'mysql.query');
  events.reset();
});

t.test('blocked calls answer through the channel mysql uses for errors', async (t) => {
  const attack = cases[0]!.attack;
  const sql = cases[0]!.sql(attack);
  await asInput(attack, async () => {
    const q = conn.query(sql);
    const ended = new Promise<void>((resolve) => q.on('end', () => resolve()));
    t.ok(isBlocked(await new Promise((resolve) => q.on('error', resolve))), 'query emits error');
    await ended;
    await t.rejects(collect(conn.query(sql).stream()), RampartBlockedError, 'stream errors');
    t.ok(isBlocked((await run(cluster.of('*'), sql)).err), 'pool cluster');
  });
  t.same(await serverState(), INTACT);
  const both = await Promise.all([rows(pool, `SELECT id FROM ${T} WHERE id = 1`), rows(pool, `SELECT id FROM ${T} WHERE id = 2`), rows(pool, `SELECT id FROM ${T} WHERE id = 3`)]);
  t.same(both.map((r) => (r[0] as { id: number }).id), [1, 2, 3], 'blocked pool queries released their connections');
  events.reset();
});

t.test('driver errors are unchanged', async (t) => {
  await asInput('alice', async () => {
    t.match((await run(conn, `SELEC id FROM ${T} WHERE name = 'alice'`)).err, { code: 'ER_PARSE_ERROR', errno: 1064 });
    t.match((await run(pool, `SELECT nope FROM ${T} WHERE name = 'alice'`)).err, { code: 'ER_BAD_FIELD_ERROR' });
  });
  t.equal(events.attacks().length, 0);
});

t.test('callbacks run in the caller’s request context', async (t) => {
  for (const target of [pool, conn, cluster.of('*')]) {
    const same = await asInput('ctx', () => {
      const mine = currentContext();
      return new Promise<boolean>((resolve) => target.query('SELECT 1', undefined, () => resolve(currentContext() === mine)));
    });
    t.ok(same);
  }
});
