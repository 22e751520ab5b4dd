// sequelize is covered through its drivers: a raw sequelize.query with a concatenated
// string reaches sqlite3 or pg and is checked there. Sequelize wraps driver errors in its
// own DatabaseError, with the driver's error (here RampartBlockedError) as `parent`.
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
const { Sequelize, QueryTypes, DataTypes } = require('sequelize') as typeof import('sequelize');

const T = `rampart_sequelize_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'rampart-sequelize-'));
const dbs = [
  { name: 'sqlite3', sink: 'sqlite3.all', db: new Sequelize({ dialect: 'sqlite', storage: join(dir, 'seq.db'), logging: false }) },
  { name: 'pg', sink: 'pg.query', db: new Sequelize('rampart_test', 'postgres', '', { host: '127.0.0.1', dialect: 'postgres', logging: false, pool: { max: 2 } }) },
];

t.before(async () => {
  for (const { db } of dbs) {
    const model = db.define(T, { id: { type: DataTypes.INTEGER, primaryKey: true }, name: DataTypes.STRING }, { tableName: T, timestamps: false });
    await model.sync({ force: true });
    await model.bulkCreate(ROWS.map((r) => ({ ...r })));
  }
});
t.teardown(async () => {
  for (const { db } of dbs) {
    await db.getQueryInterface().dropTable(T);
    await db.close();
  }
  rmSync(dir, { recursive: true, force: true });
  stop();
});

for (const { name, sink, db } of dbs) {
  t.test(`sequelize with ${name}`, async (t) => {
    const select = (v: string) => db.query(`SELECT id, name FROM ${T} WHERE name = '${v}'`, { type: QueryTypes.SELECT });
    await asInput('alice', async () => {
      t.same(plain(await select('alice')), [ROWS[0]], 'benign raw query');
    });
    const stacked = `x'; DROP TABLE ${T}; -- `;
    const error = await asInput(stacked, () => select(stacked).then(() => undefined, (e: unknown) => e));
    t.type(error, Error, 'the query fails');
    t.type((error as { parent?: unknown }).parent, RampartBlockedError, 'with the block as the driver error');
    const model = db.model(T);
    t.same(plain(await model.findAll({ order: [['id', 'ASC']], raw: true })), ROWS, 'table and rows intact');
    await asInput(`x' OR '1'='1`, async () => {
      t.same(await model.findAll({ where: { name: `x' OR '1'='1` }, raw: true }), [], 'model queries escape values: no finding');
    });
    t.same(
      events.attacks().map((e) => e.attributes['rampart.sink']),
      [sink],
      'one finding, from the driver hook',
    );
    events.reset();
  });
}
