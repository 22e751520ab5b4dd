// Context isolation under load: 1,000 interleaved requests share a small pg Pool and a
// small mysql2 pool, so connections opened by one request serve callbacks and promises of
// many others. Inside every driver callback and after every await, currentContext() must
// still be the request that made the call (its own `id` input), never another's or none.
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { currentContext } from '../../src/context/store';
import { closeServer, listen, request } from '../helpers/http';

start({ logLevel: 'silent' });

/* eslint-disable @typescript-eslint/no-require-imports */
const pg = require('pg') as typeof import('pg');
const mysql = require('mysql2') as typeof import('mysql2');
/* eslint-enable @typescript-eslint/no-require-imports */

const pgPool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'rampart_test', max: 4 });
const myPool = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test', connectionLimit: 4 });

const REQUESTS = 1000;
const CONCURRENCY = 100;

const server = createServer(async (req, res) => {
  const own = new URL(req.url!, 'http://x').searchParams.get('id')!;
  const seen: string[] = [];
  const look = (where: string) => {
    const id = currentContext()?.inputs().find((i) => i.source === 'query' && i.path === 'id')?.value ?? 'none';
    if (id !== own) seen.push(`${where}:${id}`);
  };
  const row = (where: string, value: unknown) => {
    if (value !== own) seen.push(`${where}:row=${String(value)}`);
  };
  try {
    // pg: Pool#query with a callback, then a checked-out client with promises.
    await new Promise<void>((resolve, reject) =>
      pgPool.query('SELECT $1::text AS id', [own], (err, r) => {
        if (err) return reject(err);
        look('pg.pool.query callback');
        row('pg.pool.query', r.rows[0]?.id);
        resolve();
      }),
    );
    const client = await pgPool.connect();
    look('pg.pool.connect');
    const r = await client.query('SELECT $1::text AS id', [own]);
    look('pg.client.query await');
    row('pg.client.query', r.rows[0]?.id);
    client.release();
    // mysql2: Pool#query with a callback, the promise wrapper, and getConnection.
    await new Promise<void>((resolve, reject) =>
      myPool.query('SELECT ? AS id', [own], (err, rows) => {
        if (err) return reject(err);
        look('mysql2.pool.query callback');
        row('mysql2.pool.query', (rows as Array<{ id: string }>)[0]?.id);
        resolve();
      }),
    );
    const [rows] = await myPool.promise().query('SELECT ? AS id', [own]);
    look('mysql2.promise await');
    row('mysql2.promise', (rows as Array<{ id: string }>)[0]?.id);
    await new Promise<void>((resolve, reject) =>
      myPool.getConnection((err, conn) => {
        if (err) return reject(err);
        look('mysql2.getConnection callback');
        conn.query('SELECT ? AS id', [own], (qerr, qrows) => {
          conn.release();
          if (qerr) return reject(qerr);
          look('mysql2.connection.query callback');
          row('mysql2.connection.query', (qrows as Array<{ id: string }>)[0]?.id);
          resolve();
        });
      }),
    );
    res.end(JSON.stringify({ own, seen }));
  } catch (error) {
    res.statusCode = 500;
    res.end(JSON.stringify({ own, seen, error: String(error) }));
  }
});

let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(async () => {
  await closeServer(server);
  await pgPool.end();
  await myPool.promise().end();
  stop();
});

t.test(`${REQUESTS} interleaved requests over shared pools each see only their own context`, async (t) => {
  const results: Array<{ status: number; own: string; seen: string[]; error?: string }> = [];
  let next = 0;
  const clientLoop = async () => {
    while (next < REQUESTS) {
      const id = `req${next++}`;
      const res = await request(`${base}/?id=${id}`);
      results.push({ status: res.status, ...(res.json() as { own: string; seen: string[]; error?: string }) });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, clientLoop));
  t.equal(results.length, REQUESTS, 'every request answered');
  t.same(results.filter((r) => r.status !== 200).slice(0, 3), [], 'no errors');
  const wrong = results.filter((r) => r.seen.length > 0);
  t.same(wrong.slice(0, 5), [], 'no callback, promise or checkout ran in another request’s context (first 5 shown)');
  t.equal(new Set(results.map((r) => r.own)).size, REQUESTS);
});

t.test('no context leaks outside requests', async (t) => {
  t.equal(currentContext(), undefined);
  const { rows } = await pgPool.query('SELECT 1 AS one');
  t.equal(currentContext(), undefined, 'not after a pool query either');
  t.same(rows, [{ one: 1 }]);
});
