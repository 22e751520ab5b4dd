// Server variables and session functions supplied where the app pastes a column name (a
// SELECT list, an ORDER BY), against the real MariaDB and PostgreSQL servers: `@@version`,
// `@@datadir`, `CURRENT_USER`, `user()`, PostgreSQL's bare `user` return server state to the
// client. Each is shown to do so outside a request, refused inside one with nothing
// returned; ordinary column names (and `name DESC`) keep working in the same slots.
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { failOnConnectionError } from '../../helpers/databases';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });

/* eslint-disable @typescript-eslint/no-require-imports */
const pg = require('pg') as typeof import('pg');
const mysql2 = require('mysql2/promise') as typeof import('mysql2/promise');
/* eslint-enable @typescript-eslint/no-require-imports */

const T = `rampart_sysvals_${process.pid}`;
type Rows = Array<Record<string, unknown>>;
interface Db {
  name: string;
  run(sql: string): Promise<Rows>;
  attacks: string[];
}

const pgClient = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'rampart_test' });
let maria: import('mysql2/promise').Connection;
const dbs: Db[] = [
  { name: 'PostgreSQL', run: async (sql) => (await pgClient.query(sql)).rows, attacks: ['current_user', 'session_user', 'user', 'version()', "current_setting('data_directory')"] },
  { name: 'MariaDB', run: async (sql) => (await maria.query(sql))[0] as Rows, attacks: ['@@version', '@@datadir', 'CURRENT_USER', 'user()', 'version()'] },
];
/** The app pastes a column name chosen by the client into the SELECT list. */
const columnQuery = (col: string) => `SELECT ${col} AS v FROM ${T} ORDER BY id`;
/** ... or into ORDER BY. */
const sortQuery = (col: string) => `SELECT name FROM ${T} ORDER BY ${col}`;

async function attempt(db: Db, sql: string): Promise<{ err: unknown; rows?: Rows }> {
  try {
    return { err: undefined, rows: await db.run(sql) };
  } catch (err) {
    return { err };
  }
}

t.before(async () => {
  await pgClient.connect();
  maria = await mysql2.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test' });
  failOnConnectionError(maria);
  for (const db of dbs) {
    await db.run(`DROP TABLE IF EXISTS ${T}`);
    await db.run(`CREATE TABLE ${T} (id INT PRIMARY KEY, name VARCHAR(20))`);
    await db.run(`INSERT INTO ${T} VALUES (1, 'alice'), (2, 'bob')`);
  }
});
t.teardown(async () => {
  for (const db of dbs) await db.run(`DROP TABLE IF EXISTS ${T}`);
  await Promise.all([pgClient.end(), maria.end()]);
  stop();
});

for (const db of dbs) {
  t.test(`${db.name}: server state through a column slot`, async (t) => {
    for (const col of db.attacks) {
      const leaked = await db.run(columnQuery(col));
      t.ok(typeof leaked[0]?.v === 'string' && (leaked[0].v as string).length > 0, `${col}: outside a request it returns server state`);
      events.reset();
      const r = await withInput({ source: 'query', name: 'col', value: col }, () => attempt(db, columnQuery(col)));
      t.type(r.err, RampartBlockedError, `${col} in the SELECT list: refused`);
      t.equal(r.rows, undefined, `${col}: nothing returned`);
      const sorted = await withInput({ source: 'query', name: 'sort', value: col }, () => attempt(db, sortQuery(col)));
      t.type(sorted.err, RampartBlockedError, `${col} in ORDER BY: refused`);
      t.equal(events.attacks().length, 2);
    }
  });

  t.test(`${db.name}: ordinary column names in the same slots`, async (t) => {
    events.reset();
    t.same(await withInput({ source: 'query', name: 'col', value: 'name' }, () => db.run(columnQuery('name'))), [{ v: 'alice' }, { v: 'bob' }]);
    t.same(await withInput({ source: 'query', name: 'sort', value: 'name DESC' }, () => db.run(sortQuery('name DESC'))), [{ name: 'bob' }, { name: 'alice' }]);
    t.same(await withInput({ source: 'query', name: 'sort', value: 'id' }, () => db.run(sortQuery('id'))), [{ name: 'alice' }, { name: 'bob' }]);
    t.equal(events.attacks().length, 0, 'nothing refused, and the connection still serves');
  });
}
