// sqlite3 (node-sqlite3) with a real SQLite file: Database#run/get/all/each/map/exec/prepare
// and the statements prepare returns. exec runs stacked statements, so a missed attack
// through it would really change the file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { start, stop } from '../../../src/index';
import { currentContext } from '../../../src/context/store';
import { captureOtelLogs } from '../../helpers/otel';
import { asInput, isBlocked, plain, ROWS, slotCases } from './_cases';

const events = captureOtelLogs();
start({ logLevel: 'silent' });

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sqlite3 = require('sqlite3') as typeof import('sqlite3');
type Database = import('sqlite3').Database;

const dir = mkdtempSync(join(tmpdir(), 'rampart-sqlite3-'));
const T = 'users';
const db: Database = new sqlite3.Database(join(dir, 'test.db'));
const cases = slotCases(T, 'sqlite');

function all(sql: string): Promise<{ err: unknown; rows: unknown[] }> {
  return new Promise((resolve) => db.all(sql, (err, rows) => resolve({ err, rows })));
}
function exec(sql: string): Promise<unknown> {
  return new Promise((resolve) => db.exec(sql, (err) => resolve(err)));
}

t.before(async () => {
  await exec(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO ${T} (id, name) VALUES ${ROWS.map((r) => `(${r.id}, '${r.name}')`).join(', ')}`);
});
t.teardown(async () => {
  await new Promise<void>((resolve) => db.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
  stop();
});

async function fileState(): Promise<{ table: boolean; ids: number[] }> {
  const tables = await all(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '${T}'`);
  const table = tables.rows.length === 1;
  const ids = table ? (await all(`SELECT id FROM ${T} ORDER BY id`)).rows.map((r) => (r as { id: number }).id) : [];
  return { table, ids };
}
const INTACT = { table: true, ids: [1, 2, 3] };

t.test('benign input: every slot returns the right rows', async (t) => {
  for (const c of cases) {
    await asInput(c.benign, async () => {
      const { err, rows } = await all(c.sql(c.benign));
      t.error(err);
      t.same(plain(rows), c.expected, `${c.slot}: all`);
      t.error(await exec(c.sql(c.benign)), `${c.slot}: exec`);
    });
  }
  t.equal(events.attacks().length, 0, 'no finding for benign input');
});

t.test('benign input through every call shape', async (t) => {
  const sql = `SELECT id, name FROM ${T} WHERE name = 'alice'`;
  const want = [ROWS[0]];
  await asInput('alice', async () => {
    t.same(plain([await new Promise((resolve) => db.get(sql, (_err, row) => resolve(row)))]), want, 'get');
    const each: unknown[] = [];
    await new Promise<void>((resolve) => db.each(sql, (_err, row) => each.push(row), () => resolve()));
    t.same(plain(each), want, 'each');
    const ran = await new Promise<{ self: unknown; changes: number }>((resolve) =>
      t.equal(
        db.run(`UPDATE ${T} SET name = 'alice' WHERE name = 'alice'`, function (this: { changes: number }) {
          resolve({ self: this, changes: this.changes });
        }),
        db,
        'run returns the database',
      ),
    );
    t.equal(ran.changes, 1, 'run callback gets the statement as this');
    const stmt = db.prepare(`SELECT id, name FROM ${T} WHERE name = ?`);
    t.ok(stmt instanceof sqlite3.Statement);
    t.same(plain(await new Promise<unknown[]>((resolve) => stmt.all(['alice'], (_err, rows) => resolve(rows)))), want, 'prepared statement');
    await new Promise<void>((resolve) => stmt.finalize(() => resolve()));
  });
  t.equal(events.attacks().length, 0);
});

t.test('attacks in every slot are blocked before reaching SQLite', async (t) => {
  for (const c of cases) {
    await asInput(c.attack, async () => {
      t.ok(isBlocked((await all(c.sql(c.attack))).err), `${c.slot}: all`);
      t.ok(isBlocked(await exec(c.sql(c.attack))), `${c.slot}: exec`);
    });
    t.same(await fileState(), INTACT, `${c.slot}: table intact, no row added`);
  }
  t.equal(events.attacks().length, cases.length * 2, 'one finding per call');
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'sqlite3.all');
  t.equal(events.attacks()[1]?.attributes['rampart.sink'], 'sqlite3.exec');
  events.reset();
});

t.test('blocked calls answer through their callbacks', async (t) => {
  const attack = cases[1]!.attack;
  const sql = cases[1]!.sql(attack);
  await asInput(attack, async () => {
    let returned: unknown;
    const runErr = await new Promise((resolve) => {
      returned = db.run(sql, resolve);
    });
    t.ok(isBlocked(runErr), 'run');
    t.equal(returned, db, 'run still returns the database');
    t.ok(isBlocked(await new Promise((resolve) => db.get(sql, resolve))), 'get');
    t.ok(isBlocked(await new Promise((resolve) => db.each(sql, () => t.fail('no row'), resolve))), 'each: completion callback');
    t.doesNotThrow(() => db.run(sql), 'without a callback the block is silent, not a crash');
    const prepErr = new Promise((resolve) => {
      const stmt = db.prepare(sql, resolve);
      t.ok(stmt instanceof sqlite3.Statement, 'prepare still returns a Statement');
      stmt.all([], (err) => t.ok(isBlocked(err), 'its methods report the block'));
      stmt.finalize();
    });
    t.ok(isBlocked(await prepErr), 'prepare callback');
  });
  t.same(await fileState(), INTACT);
  events.reset();
});

t.test('driver errors are unchanged', async (t) => {
  await asInput('alice', async () => {
    t.match((await all(`SELEC id FROM ${T} WHERE name = 'alice'`)).err, { code: 'SQLITE_ERROR', errno: 1 });
  });
  t.equal(events.attacks().length, 0);
});

t.test('callbacks run in the caller’s request context', async (t) => {
  // The database was opened outside any request; native callbacks carry that context.
  const same = await asInput('ctx', () => {
    const mine = currentContext();
    return new Promise<boolean[]>((resolve) =>
      db.all('SELECT 1', () => {
        const first = currentContext() === mine;
        const stmt = db.prepare('SELECT 1');
        stmt.get(() => {
          stmt.finalize();
          resolve([first, currentContext() === mine]);
        });
      }),
    );
  });
  t.same(same, [true, true], 'database and statement callbacks');
});
