// The suite's database setup (scripts/test-databases.js, run by `npm test` before tap) against
// a freshly dropped database in both real servers, and its one-message failure when a server
// cannot be reached. A database of its own: other test runs use rampart_test concurrently.
import t from 'tap';
import { createServer } from 'node:net';
import { runChild } from '../helpers/child';

/* eslint-disable @typescript-eslint/no-require-imports */
const { Client } = require('pg') as typeof import('pg');
const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
/* eslint-enable @typescript-eslint/no-require-imports */

const DB = `rampart_setup_probe_${process.pid}`;
const SCRIPT = 'scripts/test-databases.js';

async function withPg<T>(database: string, run: (c: import('pg').Client) => Promise<T>): Promise<T> {
  const client = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
async function withMaria<T>(database: string | undefined, run: (c: import('mysql2/promise').Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database });
  try {
    return await run(conn);
  } finally {
    await conn.end();
  }
}

async function dropProbe(): Promise<void> {
  await withPg('postgres', (c) => c.query(`DROP DATABASE IF EXISTS ${DB}`));
  await withMaria(undefined, (c) => c.query(`DROP DATABASE IF EXISTS ${DB}`));
}
async function probeExists(): Promise<{ postgres: boolean; mariadb: boolean }> {
  const pg = await withPg('postgres', (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB]));
  const [maria] = await withMaria(undefined, (c) => c.query<import('mysql2').RowDataPacket[]>('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [DB]));
  return { postgres: pg.rowCount === 1, mariadb: maria.length === 1 };
}

/** A loopback port nobody listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

t.teardown(dropProbe);

t.test('creates a dropped test database in both servers, usable at once', async (t) => {
  await dropProbe();
  t.same(await probeExists(), { postgres: false, mariadb: false }, 'the probe database is gone before the setup runs');

  const run = await runChild([SCRIPT, `--database=${DB}`]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, `database ${DB} exists in both`);
  t.same(await probeExists(), { postgres: true, mariadb: true });

  const pgRows = await withPg(DB, async (c) => {
    await c.query('CREATE TABLE setup_probe (id int PRIMARY KEY, name text)');
    await c.query("INSERT INTO setup_probe VALUES (1, 'o''brien')");
    return (await c.query('SELECT id, name FROM setup_probe')).rows;
  });
  t.same(pgRows, [{ id: 1, name: "o'brien" }]);
  const [mariaRows] = await withMaria(DB, async (c) => {
    await c.query('CREATE TABLE setup_probe (id int PRIMARY KEY, name varchar(20))');
    await c.query("INSERT INTO setup_probe VALUES (1, 'o''brien')");
    return c.query<import('mysql2').RowDataPacket[]>('SELECT id, name FROM setup_probe');
  });
  t.same(mariaRows.map((r) => ({ ...r })), [{ id: 1, name: "o'brien" }]);

  const again = await runChild([SCRIPT, `--database=${DB}`]);
  t.equal(again.code, 0, 'a second run on existing databases is a no-op');
  t.same((await withPg(DB, (c) => c.query('SELECT count(*)::int AS n FROM setup_probe'))).rows, [{ n: 1 }], 'and keeps their data');
});

t.test('unreachable servers: one message naming each and how to start it, exit 1, no stack trace', async (t) => {
  const [pgPort, mariaPort] = [await closedPort(), await closedPort()];
  const run = await runChild([SCRIPT, `--database=${DB}`, `--postgres=127.0.0.1:${pgPort}`, `--mariadb=127.0.0.1:${mariaPort}`]);
  t.equal(run.code, 1);
  t.match(run.stderr, `PostgreSQL on 127.0.0.1:${pgPort}`);
  t.match(run.stderr, `MariaDB on 127.0.0.1:${mariaPort}`);
  t.match(run.stderr, 'ECONNREFUSED');
  t.match(run.stderr, /Start it with: .*pg_ctlcluster/);
  t.match(run.stderr, /Start it with: .*mariadbd/);
  t.notMatch(run.stderr, /^\s+at /m, 'no stack trace');
  t.equal(run.stderr.match(/could not get them ready/g)?.length, 1, 'one message');
});

t.test('bad arguments are refused before anything is touched', async (t) => {
  const run = await runChild([SCRIPT, '--database=x; DROP DATABASE rampart_test']);
  t.equal(run.code, 2);
  t.match(run.stderr, 'invalid database name');
  const unknown = await runChild([SCRIPT, '--host=1.2.3.4']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, 'unknown argument --host=1.2.3.4');
});
