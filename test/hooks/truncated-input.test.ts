// Express over real HTTP with real sinks: routes that cut an input before pasting it
// (`name.slice(0, 24)` into SQLite and PostgreSQL queries, `arg.slice(0, 20)` into an `sh`
// command). Attacks padded past the cut are refused with the effect proven absent (table
// still there, no rows leaked, canary file not created); benign values are served.
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';

const events = captureOtelLogs();
start({ logLevel: 'silent' });

/* eslint-disable @typescript-eslint/no-require-imports */
const express = require('express') as typeof import('express');
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const pg = require('pg') as typeof import('pg');
const { execSync } = require('node:child_process') as typeof import('node:child_process');
/* eslint-enable @typescript-eslint/no-require-imports */

const dir = mkdtempSync(join(tmpdir(), 'rampart-trunc-'));
const CANARY = join(dir, 'pwned');
const db = new Database(join(dir, 'test.db'));
db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, secret TEXT); INSERT INTO users (name, secret) VALUES ('alice', 'S-alice'), ('bob', 'S-bob')");
const T = `rampart_trunc_${process.pid}`;
const config = { host: '127.0.0.1', user: 'postgres', database: 'rampart_test' };
const admin = new pg.Client(config);
const pool = new pg.Pool({ ...config, max: 1, idleTimeoutMillis: 0 });

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const app = express();
app.get('/sqlite', (req, res) => {
  const name = str(req.query.name).slice(0, 24); // the app's VARCHAR-sized cut
  try {
    res.json(db.prepare(`SELECT name, secret FROM users WHERE name = '${name}'`).all());
  } catch (error) {
    res.status(500).send(String((error as Error).message));
  }
});
app.get('/pg', (req, res) => {
  const name = str(req.query.name).slice(0, 24);
  pool.query(`SELECT name, secret FROM ${T} WHERE name = '${name}'`).then(
    (r) => res.json(r.rows),
    (error: Error) => res.status(500).send(error.message),
  );
});
app.get('/sh', (req, res) => {
  const arg = str(req.query.arg).slice(0, 20);
  try {
    res.type('text/plain').send(execSync(`cd ${dir} && echo ${arg}`, { encoding: 'utf8' }));
  } catch (error) {
    res.status(500).send(String((error as Error).message));
  }
});
const server = createServer(app);
let base = '';

t.before(async () => {
  await admin.connect();
  await admin.query(`CREATE TABLE ${T} (id serial PRIMARY KEY, name text, secret text)`);
  await admin.query(`INSERT INTO ${T} (name, secret) VALUES ('alice', 'S-alice'), ('bob', 'S-bob')`);
  await pool.query('SELECT 1'); // the connection opened outside any request
  base = await listen(server);
});
t.teardown(async () => {
  await closeServer(server);
  await pool.end();
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await admin.end();
  db.close();
  stop();
});

const enc = encodeURIComponent;
const pad = (payload: string) => payload + 'A'.repeat(300);

t.test('SQLite: attacks padded past the cut are refused, benign served', async (t) => {
  for (const payload of ["x' OR 1=1 --", "'; DROP TABLE users; --"]) {
    t.ok(pad(payload).slice(0, 24).startsWith(payload), 'the cut keeps the payload');
    const res = await request(`${base}/sqlite?name=${enc(pad(payload))}`);
    t.equal(res.status, 403, `${payload} refused`);
    t.notMatch(res.text, 'S-', 'no secret leaked');
    t.equal(events.attacks()[0]?.attributes['rampart.attack.kind'], 'sql_injection');
    events.reset();
  }
  t.equal((db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'users'").get() as { n: number }).n, 1, 'table still there');
  const ok = await request(`${base}/sqlite?name=${enc('alice')}`);
  t.equal(ok.status, 200);
  t.same(JSON.parse(ok.text), [{ name: 'alice', secret: 'S-alice' }]);
  const long = await request(`${base}/sqlite?name=${enc('a name far longer than twenty-four characters')}`);
  t.equal(long.status, 200, 'a long benign name is cut and served');
  t.same(JSON.parse(long.text), []);
  t.equal(events.attacks().length, 0, 'no finding');
});

t.test('PostgreSQL: attacks padded past the cut are refused, benign served', async (t) => {
  for (const payload of ["x' OR 1=1 --", "' OR name <> '' --"]) {
    t.ok(pad(payload).slice(0, 24).startsWith(payload), 'the cut keeps the payload');
    const res = await request(`${base}/pg?name=${enc(pad(payload))}`);
    t.equal(res.status, 403, `${payload} refused`);
    t.notMatch(res.text, 'S-', 'no secret leaked');
    events.reset();
  }
  const count = await admin.query(`SELECT COUNT(*)::int AS n FROM ${T}`);
  t.equal(count.rows[0].n, 2, 'table and rows still there');
  const ok = await request(`${base}/pg?name=bob`);
  t.equal(ok.status, 200);
  t.same(JSON.parse(ok.text), [{ name: 'bob', secret: 'S-bob' }]);
  t.equal(events.attacks().length, 0);
});

t.test('sh: a command padded past the cut is refused, benign served', async (t) => {
  const attack = pad('x;touch pwned;');
  t.equal(attack.slice(0, 20), 'x;touch pwned;AAAAAA');
  const res = await request(`${base}/sh?arg=${enc(attack)}`);
  t.equal(res.status, 403, 'refused');
  t.notOk(existsSync(CANARY), 'the canary file was not created');
  t.equal(events.attacks()[0]?.attributes['rampart.attack.kind'], 'command_injection');
  events.reset();
  const ok = await request(`${base}/sh?arg=${enc('holiday-photo-from-the-beach.jpg')}`);
  t.equal(ok.status, 200);
  t.equal(ok.text, 'holiday-photo-from-t\n');
  t.equal(events.attacks().length, 0);
});

t.test('the process is still up and serving', async (t) => {
  const ok = await request(`${base}/sqlite?name=bob`);
  t.equal(ok.status, 200);
  t.ok(process.pid > 0);
});
