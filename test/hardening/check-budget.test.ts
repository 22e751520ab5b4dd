// The per-check time budget (limits.checkBudgetMs): a check costs the inputs times the
// payload, so a request with thousands of fields feeding a bulk INSERT can make one check
// long. When the budget runs out the check stops undecided, and limits.onCheckBudgetExceeded
// says what block mode does: refuse the call (default: an attacker must not be able to pad
// a request until the check gives up) or let it run and report it. Monitor mode always runs it.
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

const db = new Database(join(dir, 'items.db'));
db.exec('CREATE TABLE items (name TEXT)');
const count = (): number => (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;

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
const server: Server = app.listen();
const site = serveOnLoopback(t, server);

/** Two thousand names of a hundred characters: searching each in the query is ~400M characters. */
const bigImport = { names: Array.from({ length: 2000 }, (_, i) => `item ${i} ${'x'.repeat(90)}`) };
const smallImport = { names: ['hammer', 'saw', "o'brien's chisel"] };

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
  restart({ checkBudgetMs: 1 });
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
  restart({ checkBudgetMs: 1, onCheckBudgetExceeded: 'allow' });
  db.exec('DELETE FROM items');
  const res = await postJson(`${site.base}/import`, bigImport);
  t.equal(res.status, 200);
  t.equal(count(), 2000, 'every row inserted');
  const [event] = events.attacks();
  t.equal(event?.attributes['security_rule.name'], BUDGET_RULE);
  t.equal(event?.attributes['rampart.action'], 'monitored');
});

t.test('monitor mode: the call runs and is reported', async (t) => {
  restart({ checkBudgetMs: 1 }, 'monitor');
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

t.test('the budget settings are validated', async (t) => {
  stop();
  t.throws(() => start({ logLevel: 'silent', limits: { checkBudgetMs: 0 } }), RampartConfigError);
  t.throws(() => start({ logLevel: 'silent', limits: { onCheckBudgetExceeded: 'maybe' as never } }), RampartConfigError);
});
