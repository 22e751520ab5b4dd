// End to end over real HTTP: an express app whose routes concatenate query-string input
// into SQL sent through a pg pool (callback and promise styles). Attacks get the 403 and
// leave the table intact; under 50 interleaved requests on a 2-connection pool, each pool
// callback runs in its own request's context and sees only its own input.
import type { Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../../src/index';
import { currentContext } from '../../../src/context/store';
import { closeServer, listen, request } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { ROWS } from './_cases';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });

/* eslint-disable @typescript-eslint/no-require-imports */
const express = require('express') as typeof import('express');
const pg = require('pg') as typeof import('pg');
/* eslint-enable @typescript-eslint/no-require-imports */

const T = `rampart_express_pg_${process.pid}`;
const config = { host: '127.0.0.1', user: 'postgres', database: 'rampart_test' };
const admin = new pg.Client(config); // verification only, outside any request context
// Two connections for 50 requests: most callbacks get a connection freed by another request.
// Connections are opened before the requests and kept (no idle timeout): this file is about
// SQL, not about the outbound-connection checks a socket opened inside a request meets.
const pool = new pg.Pool({ ...config, max: 2, idleTimeoutMillis: 0 });

/** What the request context looks like from inside a driver callback. */
function contextView(req: import('express').Request): { sameRequest: boolean; queryInputs: string[] } {
  const ctx = currentContext();
  return {
    sameRequest: ctx?.req === req,
    queryInputs: (ctx?.inputs() ?? []).filter((i) => i.source === 'query').map((i) => i.value),
  };
}

const app = express();
app.get('/users', (req, res, next) => {
  const name = String(req.query.name);
  pool.query(`SELECT id, name FROM ${T} WHERE name = '${name}'`, (err: Error | undefined, result: import('pg').QueryResult) => {
    if (err) return next(err);
    res.json({ rows: result.rows, ...contextView(req) });
  });
});
app.get('/users-async', async (req, res) => {
  const name = String(req.query.name);
  const client = await pool.connect();
  try {
    const result = await client.query(`SELECT id, name FROM ${T} WHERE name = '${name}'`);
    res.json({ rows: result.rows, ...contextView(req) });
  } finally {
    client.release();
  }
});

const server: Server = app.listen();
let base = '';
t.before(async () => {
  server.close();
  base = await listen(server);
  await admin.connect();
  await admin.query(`DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id int PRIMARY KEY, name text)`);
  await admin.query(`INSERT INTO ${T} (id, name) VALUES ${ROWS.map((r) => `(${r.id}, '${r.name}')`).join(', ')}`);
  // Fifty more users, one per concurrent request below.
  await admin.query(`INSERT INTO ${T} (id, name) SELECT 100 + g, 'user' || g FROM generate_series(0, 49) g`);
  const warm = await Promise.all([pool.connect(), pool.connect()]);
  warm.forEach((c) => c.release());
});
t.teardown(async () => {
  await closeServer(server);
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await Promise.all([admin.end(), pool.end()]);
  stop();
});

async function tableState(): Promise<{ table: boolean; rows: number }> {
  const { rows } = await admin.query(`SELECT to_regclass('${T}') IS NOT NULL AS ok`);
  const count = rows[0].ok ? (await admin.query(`SELECT count(*)::int AS n FROM ${T}`)).rows[0].n : 0;
  return { table: rows[0].ok as boolean, rows: count as number };
}

t.test('benign input: 200 with the right row', async (t) => {
  for (const path of ['/users', '/users-async']) {
    const res = await request(`${base}${path}?name=alice`);
    t.equal(res.status, 200);
    t.same(res.json(), { rows: [{ id: 1, name: 'alice' }], sameRequest: true, queryInputs: ['alice'] }, path);
  }
  t.equal(events.attacks().length, 0);
});

t.test('stacked DROP TABLE: 403, table intact', async (t) => {
  for (const path of ['/users', '/users-async']) {
    const res = await request(`${base}${path}?name=${encodeURIComponent(`x'; DROP TABLE ${T}; --`)}`);
    t.equal(res.status, 403, path);
    t.equal((res.json() as { error: string }).error, 'Forbidden');
  }
  t.same(await tableState(), { table: true, rows: 53 }, 'table and rows intact');
  t.same(
    events.attacks().map((e) => [e.attributes['rampart.sink'], e.attributes['url.path']]),
    [
      ['pg.pool.query', '/users'],
      ['pg.query', '/users-async'],
    ],
  );
  events.reset();
});

t.test('50 interleaved requests: each callback sees only its own request', async (t) => {
  const results = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const path = i % 2 === 0 ? '/users' : '/users-async';
      const res = await request(`${base}${path}?name=user${i}`);
      return { i, status: res.status, body: res.json() as { rows: unknown[]; sameRequest: boolean; queryInputs: string[] } };
    }),
  );
  for (const { i, status, body } of results) {
    t.equal(status, 200);
    t.same(body, { rows: [{ id: 100 + i, name: `user${i}` }], sameRequest: true, queryInputs: [`user${i}`] }, `request ${i}`);
  }
  t.equal(events.attacks().length, 0, 'no request was checked against another’s input');
});

t.test('an attack among concurrent benign requests blocks only itself', async (t) => {
  const attack = request(`${base}/users?name=${encodeURIComponent("' OR '1'='1")}`);
  const benign = Array.from({ length: 10 }, (_, i) => request(`${base}/users?name=user${i}`));
  const [blocked, ...rest] = await Promise.all([attack, ...benign]);
  t.equal(blocked!.status, 403);
  rest.forEach((res, i) => t.same((res.json() as { rows: unknown[] }).rows, [{ id: 100 + i, name: `user${i}` }]));
  t.equal(events.attacks().length, 1);
  events.reset();
});
