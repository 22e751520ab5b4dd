// knex is covered through its drivers: raw SQL built by concatenation reaches pg, mysql2 or
// sqlite3 and is checked there; the query builder's bindings stay parameters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RampartBlockedError, start, stop } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { asInput, plain, ROWS } from './_cases';

const events = captureOtelLogs();
start({ logLevel: 'silent' });

// eslint-disable-next-line @typescript-eslint/no-require-imports
const knexFactory = require('knex') as typeof import('knex').knex;

const T = `rampart_knex_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'rampart-knex-'));
const dbs = [
  { name: 'pg', sink: 'pg.query', db: knexFactory({ client: 'pg', connection: { host: '127.0.0.1', user: 'postgres', database: 'rampart_test' }, pool: { min: 0, max: 2 } }) },
  {
    name: 'mysql2',
    sink: 'mysql2.query',
    db: knexFactory({ client: 'mysql2', connection: { host: '127.0.0.1', user: 'root', password: '', database: 'rampart_test', multipleStatements: true }, pool: { min: 0, max: 2 } }),
  },
  { name: 'sqlite3', sink: 'sqlite3.all', db: knexFactory({ client: 'sqlite3', connection: { filename: join(dir, 'knex.db') }, useNullAsDefault: true }) },
];

t.before(async () => {
  for (const { db } of dbs) {
    await db.schema.dropTableIfExists(T);
    await db.schema.createTable(T, (table) => {
      table.integer('id').primary();
      table.string('name');
    });
    await db(T).insert(ROWS);
  }
});
t.teardown(async () => {
  for (const { db } of dbs) {
    await db.schema.dropTableIfExists(T);
    await db.destroy();
  }
  rmSync(dir, { recursive: true, force: true });
  stop();
});

for (const { name, sink, db } of dbs) {
  t.test(`knex with ${name}`, async (t) => {
    const attack = `x' OR '1'='1`;
    const stacked = `x'; DROP TABLE ${T}; -- `;
    await asInput('alice', async () => {
      t.same(plain(await db.raw(`SELECT id, name FROM ${T} WHERE name = 'alice'`).then((r: unknown) => rawRows(name, r))), [ROWS[0]], 'benign raw query');
      t.same(plain(await db(T).select('id', 'name').whereRaw(`name = 'alice'`)), [ROWS[0]], 'benign whereRaw');
    });
    await asInput(attack, async () => {
      t.same(await db(T).select('id', 'name').where('name', attack), [], 'builder bindings are parameters: no finding');
      await t.rejects(db(T).select('id', 'name').whereRaw(`name = '${attack}'`), RampartBlockedError, 'concatenated whereRaw is blocked');
    });
    await asInput(stacked, async () => {
      await t.rejects(db.raw(`SELECT id, name FROM ${T} WHERE name = '${stacked}'`), RampartBlockedError, 'stacked DROP TABLE is blocked');
    });
    t.ok(await db.schema.hasTable(T), 'table intact');
    t.same(plain(await db(T).select('id', 'name').orderBy('id')), ROWS, 'rows intact');
    t.same(
      events.attacks().map((e) => e.attributes['rampart.sink']),
      [sink, sink],
      'the driver hook reports each blocked query once',
    );
    events.reset();
  });
}

/** knex.raw returns the driver's own result shape. */
function rawRows(client: string, result: unknown): unknown[] {
  if (client === 'pg') return (result as { rows: unknown[] }).rows;
  if (client === 'mysql2') return (result as [unknown[]])[0];
  return result as unknown[];
}
