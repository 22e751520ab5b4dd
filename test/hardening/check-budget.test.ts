// The per-check work budget (limits.checkBudget): a check costs about the inputs searched
// times the payload, so a request with thousands of fields feeding a bulk INSERT can make one
// check long. The budget counts work (characters scanned, positions visited), never time, so
// the same request gets the same verdict on an idle and on a loaded machine. When it runs out
// the check stops undecided, and limits.onCheckBudgetExceeded says what block mode does:
// refuse the call (default: an attacker must not be able to pad a request until the check
// gives up) or let it run and report it. Monitor mode always runs it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { start, stop, RampartConfigError } from '../../src/index';
import { BUDGET_RULE, closeBudget, openBudget } from '../../src/detect/budget';
import { detectSqlInjection } from '../../src/detect/sql';
import type { UserInput } from '../../src/detect/types';
import { postJson, serveOnLoopback } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';

const events = captureOtelLogs();
t.teardown(stop);

const dir = mkdtempSync(join(tmpdir(), 'rampart-budget-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function restart(limits: Record<string, unknown>, mode: 'block' | 'monitor' = 'block'): void {
  stop();
  start({ mode, logLevel: 'silent', limits });
  events.reset();
}
restart({});

// Loaded after start() so the driver and the framework are hooked.
/* eslint-disable @typescript-eslint/no-require-imports */
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const express = require('express') as typeof import('express');
/* eslint-enable @typescript-eslint/no-require-imports */

const pg = require('pg') as typeof import('pg');
const db = new Database(join(dir, 'items.db'));
db.exec('CREATE TABLE items (name TEXT)');
db.exec('CREATE TABLE people (name TEXT, email TEXT, city TEXT, n INTEGER)');
const PG_TABLE = `rampart_budget_people_${process.pid}`;
const pgConfig = { host: '127.0.0.1', user: 'postgres', database: 'rampart_test' };
// Connected before any request: this file is about the SQL check, not outbound connections.
const pool = new pg.Pool({ ...pgConfig, max: 1, idleTimeoutMillis: 0 });
const admin = new pg.Client(pgConfig);
t.before(async () => {
  await admin.connect();
  await admin.query(`DROP TABLE IF EXISTS ${PG_TABLE}`);
  await admin.query(`CREATE TABLE ${PG_TABLE} (name TEXT, email TEXT, city TEXT, n INTEGER)`);
  await pool.query('SELECT 1');
});
t.teardown(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${PG_TABLE}`);
  await admin.end();
  await pool.end();
});
const count = (): number => (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
const count2 = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

// A bulk import that escapes quotes itself and pastes every name into one INSERT.
const app = express();
app.use(express.json({ limit: '10mb' }));
app.post('/import', (req, res) => {
  const names = (req.body as { names: string[] }).names;
  const values = names.map((name) => `('${name.replace(/'/g, "''")}')`).join(',');
  try {
    db.exec(`INSERT INTO items (name) VALUES ${values}`);
    res.json({ imported: names.length });
  } catch (error) {
    if (!res.headersSent) res.status(500).json({ error: String(error) });
  }
});

interface Person {
  readonly name: string;
  readonly email: string;
  readonly city: string;
}
/** A correctly escaped bulk INSERT: every value of every row is an input and sits in one literal. */
function bulkInsert(table: string, people: readonly Person[]): string {
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return `INSERT INTO ${table} (name, email, city, n) VALUES ${people.map((p, i) => `(${quote(p.name)}, ${quote(p.email)}, ${quote(p.city)}, ${i})`).join(', ')}`;
}
app.post('/people/sqlite', (req, res) => {
  const people = (req.body as { people: Person[] }).people;
  try {
    db.exec(bulkInsert('people', people));
    res.json({ imported: people.length });
  } catch (error) {
    if (!res.headersSent) res.status(500).json({ error: String(error) });
  }
});
app.post('/people/pg', async (req, res) => {
  const people = (req.body as { people: Person[] }).people;
  try {
    await pool.query(bulkInsert(PG_TABLE, people));
    res.json({ imported: people.length });
  } catch (error) {
    if (!res.headersSent) res.status(500).json({ error: String(error) });
  }
});
const server: Server = app.listen();
const site = serveOnLoopback(t, server);

/** Two thousand names of a hundred characters: searching each in the query is ~400M characters. */
const bigImport = { names: Array.from({ length: 2000 }, (_, i) => `item ${i} ${'x'.repeat(90)}`) };
const smallImport = { names: ['hammer', 'saw', "o'brien's chisel"] };

/** A thousand rows, three text values each, repeated cities and quotes included. */
const thousandPeople = {
  people: Array.from({ length: 1000 }, (_, i) => ({ name: `Customer ${i} O'Brien`, email: `user${i}@example.com`, city: ['Paris', 'Berlin', "Val-d'Or"][i % 3]! })),
};

t.test('within the default budget a bulk import is checked and runs', async (t) => {
  restart({});
  db.exec('DELETE FROM items');
  const res = await postJson(`${site.base}/import`, smallImport);
  t.equal(res.status, 200);
  t.same(res.json(), { imported: 3 });
  t.equal(count(), 3);
  t.equal(events.attacks().length, 0);
});

t.test('block mode: a check out of budget refuses the call and says why', async (t) => {
  restart({ checkBudget: 10_000 });
  db.exec('DELETE FROM items');
  const res = await postJson(`${site.base}/import`, bigImport);
  t.equal(res.status, 403);
  t.equal(count(), 0, 'nothing inserted');
  const [event] = events.attacks();
  t.equal(event?.attributes['security_rule.name'], BUDGET_RULE);
  t.equal(event?.attributes['rampart.action'], 'blocked');
  t.equal(event?.attributes['rampart.input.source'], 'body');
});

t.test("block mode with onCheckBudgetExceeded 'allow': the call runs and is reported", async (t) => {
  restart({ checkBudget: 10_000, onCheckBudgetExceeded: 'allow' });
  db.exec('DELETE FROM items');
  const res = await postJson(`${site.base}/import`, bigImport);
  t.equal(res.status, 200);
  t.equal(count(), 2000, 'every row inserted');
  const [event] = events.attacks();
  t.equal(event?.attributes['security_rule.name'], BUDGET_RULE);
  t.equal(event?.attributes['rampart.action'], 'monitored');
});

t.test('monitor mode: the call runs and is reported', async (t) => {
  restart({ checkBudget: 10_000 }, 'monitor');
  db.exec('DELETE FROM items');
  const res = await postJson(`${site.base}/import`, bigImport);
  t.equal(res.status, 200);
  t.equal(count(), 2000);
  t.equal(events.attacks()[0]?.attributes['rampart.action'], 'monitored');
});

t.test('detectors honour an open budget and run unbounded without one', async (t) => {
  const inputs: UserInput[] = bigImport.names.map((value, i) => ({ source: 'body', path: `names.${i}`, value }));
  const query = `INSERT INTO items (name) VALUES ${bigImport.names.map((n) => `('${n}')`).join(',')}`;
  openBudget(1);
  try {
    t.equal(detectSqlInjection(query, inputs, 'sqlite')?.rule, BUDGET_RULE);
  } finally {
    closeBudget();
  }
  t.equal(detectSqlInjection(query, inputs, 'sqlite'), undefined, 'benign, decided in full');
});

// Work a check does past the first scan is charged too, so a hostile request cannot make a
// check slow while it stays within its units: each occurrence judged, the input's own
// length, and a long input compared whole at a candidate (benchmarks/micro/hostile.js).
t.test('hostile shapes run out of the default budget instead of running unbounded', async (t) => {
  const pairs = 'ab'.repeat(100_000);
  const shapes: Record<string, { query: string; inputs: UserInput[] }> = {
    'periodic inputs found at every other position': {
      query: `SELECT * FROM t WHERE x = '${pairs}'`,
      inputs: Array.from({ length: 5000 }, (_, i) => ({ source: 'body', path: `k${i}`, value: 'ab'.repeat(20 + i) })),
    },
    'long inputs whose one rare pair forces a near-whole comparison': {
      query: `SELECT * FROM t WHERE x = '${pairs}' AND y = 'bxa'`,
      inputs: Array.from({ length: 5000 }, (_, i) => ({ source: 'body', path: `k${i}`, value: `${'ab'.repeat(200 + i)}xab` })),
    },
  };
  for (const [name, { query, inputs }] of Object.entries(shapes)) {
    openBudget(50_000_000); // the default limits.checkBudget
    try {
      t.equal(detectSqlInjection(query, inputs, 'sqlite')?.rule, BUDGET_RULE, name);
    } finally {
      closeBudget();
    }
  }
  // The same text with a few such inputs is decided in full under the same budget: ten
  // inputs found at every other position of 200 KB are a million judged occurrences.
  openBudget(50_000_000);
  try {
    const few = shapes['periodic inputs found at every other position']!;
    t.equal(detectSqlInjection(few.query, few.inputs.slice(0, 10), 'sqlite'), undefined, 'a few periodic inputs: decided, benign');
  } finally {
    closeBudget();
  }
});

t.test('a correctly escaped 1,000-row bulk INSERT with its values as inputs runs with no finding', async (t) => {
  restart({});
  for (const target of ['sqlite', 'pg']) {
    db.exec('DELETE FROM people');
    await admin.query(`DELETE FROM ${PG_TABLE}`);
    const res = await postJson(`${site.base}/people/${target}`, thousandPeople);
    t.equal(res.status, 200, `${target}: served`);
    t.same(res.json(), { imported: 1000 });
    const rows = target === 'sqlite' ? count2('people') : Number((await admin.query(`SELECT count(*) AS n FROM ${PG_TABLE}`)).rows[0].n);
    t.equal(rows, 1000, `${target}: every row inserted`);
    t.equal(events.attacks().length, 0, `${target}: no finding`);
  }
});

/**
 * Starts a child process that keeps one core busy until killed, and for two minutes at
 * most: a test process killed by its timeout cannot leave it spinning behind.
 */
function busyLoop(): () => void {
  const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 120000; while (Date.now() < end);'], { stdio: 'ignore' });
  return () => child.kill('SIGKILL');
}

/** The verdicts (status codes) of the same request sent `times` times in a row. */
async function verdicts(url: string, body: unknown, times: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) out.push((await postJson(url, body)).status);
  return out;
}

const threeHundredPeople = { people: thousandPeople.people.slice(0, 300) };

t.test('the same request gets the same verdict 20 times, idle and while other processes load the CPU', async (t) => {
  // A budget the big import (2,000 names in a 210 KB query) runs past, refused, while a
  // 300-row import (a 20 KB query) stays within it.
  restart({ checkBudget: 1_000_000 });
  const runs: Record<string, number[]> = {};
  runs['idle: within budget'] = await verdicts(`${site.base}/people/sqlite`, threeHundredPeople, 20);
  runs['idle: past budget'] = await verdicts(`${site.base}/import`, bigImport, 20);
  const stops = [busyLoop(), busyLoop()];
  try {
    runs['loaded: within budget'] = await verdicts(`${site.base}/people/sqlite`, threeHundredPeople, 20);
    runs['loaded: past budget'] = await verdicts(`${site.base}/import`, bigImport, 20);
  } finally {
    for (const stopLoop of stops) stopLoop();
  }
  t.same(runs['idle: within budget'], new Array(20).fill(200));
  t.same(runs['loaded: within budget'], new Array(20).fill(200));
  t.same(runs['idle: past budget'], new Array(20).fill(403));
  t.same(runs['loaded: past budget'], new Array(20).fill(403));
  t.ok(events.attacks().every((e) => e.attributes['security_rule.name'] === BUDGET_RULE), 'every finding is the budget rule');
  t.equal(events.attacks().length, 40, 'one finding per refused request');
  const ping = await postJson(`${site.base}/import`, smallImport);
  t.equal(ping.status, 200, 'the process is still up and serving');
});

t.test('the budget settings are validated; the retired wall-clock key is accepted with a deprecation warning', async (t) => {
  stop();
  t.throws(() => start({ logLevel: 'silent', limits: { checkBudget: 0 } }), RampartConfigError);
  t.throws(() => start({ logLevel: 'silent', limits: { onCheckBudgetExceeded: 'maybe' as never } }), RampartConfigError);
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    start({ logLevel: 'silent', limits: { checkBudgetMs: 5, maxDepth: 8 } as never });
    stop();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  const codes = warnings.map((w) => (w as Error & { code?: string }).code);
  t.ok(codes.includes('RAMPART_LIMITS_CHECKBUDGETMS'), 'checkBudgetMs: deprecation warning');
  t.ok(codes.includes('RAMPART_LIMITS_MAXDEPTH'), 'maxDepth: deprecation warning');
});
