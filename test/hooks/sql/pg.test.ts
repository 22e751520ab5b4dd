// node-postgres against the real PostgreSQL server: Client#query in every call shape
// (text, config object, Query, pg-cursor, pg-query-stream; callbacks and promises) and
// pg-pool's Pool#query and pooled clients.
import t from 'tap';
import { RampartBlockedError, start, stop } from '../../../src/index';
import { currentContext } from '../../../src/context/store';
import { captureOtelLogs } from '../../helpers/otel';
import { asInput, isBlocked, plain, ROWS, slotCases } from './_cases';

const events = captureOtelLogs();
start({ logLevel: 'silent' });

/* eslint-disable @typescript-eslint/no-require-imports */
const pg = require('pg') as typeof import('pg');
const Cursor = require('pg-cursor') as new (text: string, values?: unknown[]) => import('pg').Submittable & {
  read(n: number, cb: (err: Error | undefined, rows: unknown[]) => void): void;
  close(cb: () => void): void;
};
const QueryStream = require('pg-query-stream') as new (text: string) => import('pg').Submittable & NodeJS.ReadableStream;
/* eslint-enable @typescript-eslint/no-require-imports */

const T = `rampart_pg_${process.pid}`;
const config = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'rampart_test' };
const admin = new pg.Client(config); // verification only, outside any request context
const client = new pg.Client(config);
const pool = new pg.Pool({ ...config, max: 2 });
const cases = slotCases(T, 'postgres');

t.before(async () => {
  await admin.connect();
  await client.connect();
  await admin.query(`DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id int PRIMARY KEY, name text)`);
  await admin.query(`INSERT INTO ${T} (id, name) VALUES ${ROWS.map((r) => `(${r.id}, '${r.name}')`).join(', ')}`);
});
t.teardown(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await Promise.all([admin.end(), client.end(), pool.end()]);
  stop();
});

/** Server-side state that any of the attacks would have changed. */
async function serverState(): Promise<{ table: boolean; ids: number[]; sleepers: number }> {
  const table = await admin.query(`SELECT to_regclass('${T}') IS NOT NULL AS ok`);
  const ids = table.rows[0].ok ? (await admin.query(`SELECT id FROM ${T} ORDER BY id`)).rows.map((r) => r.id as number) : [];
  const sleepers = await admin.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%FROM ${T}%pg_sleep%' AND pid <> pg_backend_pid()`,
  );
  return { table: table.rows[0].ok as boolean, ids, sleepers: sleepers.rows[0].n as number };
}
const INTACT = { table: true, ids: [1, 2, 3], sleepers: 0 };

t.test('benign input: every slot returns the right rows through client and pool', async (t) => {
  for (const c of cases) {
    const sql = c.sql(c.benign);
    await asInput(c.benign, async () => {
      t.same(plain((await client.query(sql)).rows), c.expected, `${c.slot}: client promise`);
      t.same(plain((await pool.query(sql)).rows), c.expected, `${c.slot}: pool promise`);
    });
  }
  t.equal(events.attacks().length, 0, 'no finding for benign input');
});

t.test('benign input through every call shape', async (t) => {
  const sql = `SELECT id, name FROM ${T} WHERE name = 'alice'`;
  const want = [ROWS[0]];
  await asInput('alice', async () => {
    const viaCallback = await new Promise<unknown[]>((resolve, reject) => {
      const ret = client.query(sql, (err, res) => (err ? reject(err) : resolve(res.rows)));
      t.equal(ret, undefined, 'callback form returns undefined, as pg does');
    });
    t.same(plain(viaCallback), want, 'client callback');
    t.same(plain((await client.query({ text: `SELECT id, name FROM ${T} WHERE name = $1`, values: ['alice'] })).rows), want, 'config object');
    const query = new pg.Query(sql);
    const rows: unknown[] = [];
    t.equal(client.query(query), query, 'a submittable is returned as is');
    await new Promise<void>((resolve, reject) => {
      query.on('row', (row: unknown) => rows.push(row));
      query.on('end', () => resolve());
      query.on('error', reject);
    });
    t.same(plain(rows), want, 'pg.Query events');
    const cursor = client.query(new Cursor(sql));
    const read = await new Promise<unknown[]>((resolve, reject) => cursor.read(10, (err, r) => (err ? reject(err) : resolve(r))));
    await new Promise<void>((resolve) => cursor.close(() => resolve()));
    t.same(plain(read), want, 'pg-cursor');
    const streamed: unknown[] = [];
    for await (const row of client.query(new QueryStream(sql))) streamed.push(row);
    t.same(plain(streamed), want, 'pg-query-stream');
    const pooled = await new Promise<unknown[]>((resolve, reject) => {
      t.equal(pool.query(sql, (err: Error | undefined, res: import('pg').QueryResult) => (err ? reject(err) : resolve(res.rows))), undefined);
    });
    t.same(plain(pooled), want, 'pool callback');
    const pc = await pool.connect();
    try {
      t.same(plain((await pc.query(sql)).rows), want, 'pooled client');
    } finally {
      pc.release();
    }
  });
  t.equal(events.attacks().length, 0);
});

t.test('attacks in every slot are blocked before reaching the server', async (t) => {
  for (const c of cases) {
    await asInput(c.attack, async () => {
      await t.rejects(pool.query(c.sql(c.attack)), RampartBlockedError, `${c.slot}: pool.query`);
      await t.rejects(client.query(c.sql(c.attack)), RampartBlockedError, `${c.slot}: client.query`);
    });
    t.same(await serverState(), INTACT, `${c.slot}: table intact, no row added, nothing sleeping`);
  }
  const sinks = events.attacks().map((e) => e.attributes['rampart.sink']);
  t.same(sinks, cases.flatMap(() => ['pg.pool.query', 'pg.query']), 'one finding per call: the pool check is not repeated by the client');
  const [first] = events.attacks();
  t.equal(first?.attributes['db.system.name'], 'postgresql');
  t.equal(first?.attributes['rampart.action'], 'blocked');
  t.match(String(first?.attributes['db.query.text']), /name = \?; DROP TABLE/, 'literals are redacted, the injected code is shown');
  events.reset();
});

t.test('blocked calls answer through the channel pg uses for errors', async (t) => {
  const attack = cases[0]!.attack;
  const sql = cases[0]!.sql(attack);
  const idleBefore = pool.totalCount;
  await asInput(attack, async () => {
    const cbErr = await new Promise<unknown>((resolve) => t.equal(client.query(sql, (err) => resolve(err)), undefined));
    t.ok(isBlocked(cbErr), 'client callback gets the error');
    const query = new pg.Query(sql);
    t.equal(client.query(query), query, 'the submittable is still returned');
    t.ok(isBlocked(await new Promise((resolve) => query.on('error', resolve))), 'pg.Query emits error');
    const cursor = client.query(new Cursor(sql));
    t.ok(isBlocked(await new Promise((resolve) => cursor.read(1, (err) => resolve(err)))), 'pg-cursor read gets the error');
    const stream = client.query(new QueryStream(sql));
    await t.rejects(
      (async () => {
        for await (const row of stream) t.fail(`no row expected: ${String(row)}`);
      })(),
      RampartBlockedError,
      'pg-query-stream errors when read',
    );
    const poolErr = await new Promise<unknown>((resolve) => pool.query(sql, (err: Error) => resolve(err)));
    t.ok(isBlocked(poolErr), 'pool callback gets the error');
    const pc = await pool.connect();
    try {
      await t.rejects(pc.query(sql), RampartBlockedError, 'pooled client');
      t.same(plain((await pc.query(`SELECT id, name FROM ${T} WHERE id = 1`)).rows), [ROWS[0]], 'the pooled client still works');
    } finally {
      pc.release();
    }
  });
  t.equal(pool.totalCount, Math.max(idleBefore, 1), 'no pooled connection was destroyed by a block');
  t.same(await serverState(), INTACT);
  t.same(plain((await client.query(`SELECT id, name FROM ${T} WHERE id = 1`)).rows), [ROWS[0]], 'the client still works');
  events.reset();
});

t.test('driver errors are unchanged', async (t) => {
  await asInput('alice', async () => {
    await t.rejects(client.query(`SELEC id FROM ${T} WHERE name = 'alice'`), { code: '42601', constructor: pg.DatabaseError });
    await t.rejects(pool.query(`SELECT nope FROM ${T} WHERE name = 'alice'`), { code: '42703' });
    t.throws(() => client.query(null as unknown as string), TypeError, 'sync TypeError for a null query, as pg does');
  });
  t.equal(events.attacks().length, 0);
});

t.test('callbacks run in the caller’s request context', async (t) => {
  // The pool's sockets were opened in another context; callbacks must still see ours.
  const seen = await asInput('ctx-a', () => {
    const mine = currentContext();
    return new Promise<boolean>((resolve) => pool.query('SELECT 1', () => resolve(currentContext() === mine)));
  });
  t.ok(seen);
  const seenClient = await asInput('ctx-b', () => {
    const mine = currentContext();
    return new Promise<boolean>((resolve) => client.query('SELECT 1', () => resolve(currentContext() === mine)));
  });
  t.ok(seenClient);
});

t.test('promise-style Pool#query: a connection freed by another request leaves the context alone', async (t) => {
  // One connection: B's query waits for A's to release it, so pg-pool's callbacks for B run
  // from A's release. After `await`, B must still be B, and B's own inputs still checked.
  const single = new pg.Pool({ ...config, max: 1 });
  t.teardown(() => single.end());
  const a = asInput('ctx-a', () => single.query('SELECT pg_sleep(0.05)'));
  const b = asInput("' OR 1=1 --", async () => {
    const mine = currentContext();
    const first = await single.query(`SELECT id FROM ${T} WHERE name = $1`, ['alice']);
    const same = currentContext() === mine;
    const attack = await single.query(`SELECT id FROM ${T} WHERE name = '' OR 1=1 --'`).then(
      () => 'ran',
      (error: unknown) => (isBlocked(error) ? 'blocked' : String(error)),
    );
    return { rows: first.rows.length, same, attack };
  });
  await a;
  const result = await b;
  t.same(result, { rows: 1, same: true, attack: 'blocked' }, 'benign rows, own context, own input blocked');
  t.same(await serverState(), INTACT);
});

t.test('hooks keep the shape of the methods', async (t) => {
  t.equal(pg.Client.prototype.query.name, 'query');
  t.equal(pg.Client.prototype.query.length, 3);
  t.equal(pg.Pool.prototype.query.length, 3);
  t.equal(pg.Pool.prototype.connect.name, 'connect');
});
