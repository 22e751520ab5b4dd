// Shared by the bundled-server tests (test/bundlers/*-bundle.test.ts): the data behind the
// fixture app (test/fixtures/bundlers/app/server.js), starting a bundle of it under
// `node --require rampart/register`, and the attacks and benign twins it must answer.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ROOT, startChildApp, waitForLine, type ChildApp } from './child';
import { request } from './http';

export const FIXTURE = join(ROOT, 'test', 'fixtures', 'bundlers');
export const ENTRY = join(FIXTURE, 'app', 'server.js');
/** better-sqlite3's addon, for a bundle that carries better-sqlite3 inside (see the app). */
export const SQLITE_ADDON = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

const PG = { host: '127.0.0.1', user: 'postgres', database: 'rampart_test' };

export interface AppData {
  readonly table: string;
  readonly sqliteFile: string;
  /** Output folder for bundles: inside the fixture, so external packages resolve from the repository's node_modules. */
  readonly outDir: string;
  pgTableExists(): Promise<boolean>;
  pgRowCount(): Promise<number>;
  sqliteTables(): string[];
  sqliteNoteCount(): number;
}

/** Creates this run's PostgreSQL table and SQLite file; removes them after the test file. */
export function appData(tap: Test = t): AppData {
  const table = `bundle_users_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bundle-'));
  const outDir = mkdtempSync(join(FIXTURE, '.out-'));
  const sqliteFile = join(dir, 'app.db');
  const client = new pg.Client(PG);
  const sqlite = new Database(sqliteFile);
  sqlite.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE secrets (secret TEXT NOT NULL);
    INSERT INTO notes (body) VALUES ('first note'), ('second note');
    INSERT INTO secrets (secret) VALUES ('sqlite-secret-token');`);
  tap.before(async () => {
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(`CREATE TABLE ${table} (name text PRIMARY KEY, secret text NOT NULL)`);
    await client.query(`INSERT INTO ${table} VALUES ('alice', 'alice-secret'), ('bob', 'bob-secret')`);
  });
  tap.teardown(async () => {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });
  return {
    table,
    sqliteFile,
    outDir,
    async pgTableExists() {
      return (await client.query('SELECT to_regclass($1) AS t', [table])).rows[0].t !== null;
    },
    async pgRowCount() {
      return Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    },
    sqliteTables() {
      return (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    },
    sqliteNoteCount() {
      return (sqlite.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n;
    },
  };
}

/** Runs a bundle under `node --require rampart/register` (or --import), with rampart's debug lines. */
export async function startBundle(tap: Test, bundle: string, data: AppData, flag: '--require' | '--import' = '--require'): Promise<ChildApp> {
  const app = await startChildApp([flag, 'rampart/register', bundle], {
    PG_TABLE: data.table,
    SQLITE_FILE: data.sqliteFile,
    SQLITE_ADDON,
    RAMPART_LOG_LEVEL: 'debug',
  });
  tap.teardown(() => app.stop());
  return app;
}

export const byEvent = (event: string) => (line: Record<string, unknown>): boolean => line.event === event;
export { waitForLine };

const q = encodeURIComponent;

/** The attacks on a bundle rampart protects: refused, effects absent; benign twins answered. */
export async function provesProtected(tap: Test, app: ChildApp, data: AppData): Promise<void> {
  await tap.test('pg: a quoted-slot attack is refused and no secret leaves; the benign twin answers', async (t) => {
    const attack = await request(`${app.base}/pg/user?name=${q("' OR '1'='1")}`);
    t.equal(attack.status, 403);
    t.notMatch(attack.text, /secret/, 'no secret returned');
    const benign = await request(`${app.base}/pg/user?name=alice`);
    t.equal(benign.status, 200);
    t.same(benign.json(), [{ name: 'alice', secret: 'alice-secret' }]);
  });

  await tap.test('pg: a stacked DROP TABLE is refused and the table keeps its rows; the benign twin answers', async (t) => {
    const attack = await request(`${app.base}/pg/forget?name=${q(`x'; DROP TABLE ${data.table}; --`)}`);
    t.equal(attack.status, 403);
    t.equal(await data.pgTableExists(), true, 'table still there');
    t.equal(await data.pgRowCount(), 2, 'rows intact');
    const benign = await request(`${app.base}/pg/forget?name=nobody`);
    t.equal(benign.status, 200);
    t.same(benign.json(), { deleted: 0 });
  });

  await tap.test('better-sqlite3: a UNION attack is refused and the secret is not returned; the benign twin answers', async (t) => {
    const attack = await request(`${app.base}/sqlite/note?id=${q('0 UNION SELECT secret FROM secrets')}`);
    t.equal(attack.status, 403);
    t.notMatch(attack.text, /sqlite-secret-token/);
    const benign = await request(`${app.base}/sqlite/note?id=1`);
    t.equal(benign.status, 200);
    t.same(benign.json(), [{ body: 'first note' }]);
  });

  await tap.test('better-sqlite3: a stacked DROP TABLE through exec() is refused; tables and rows intact', async (t) => {
    const attack = await request(`${app.base}/sqlite/purge?id=${q('999; DROP TABLE secrets')}`);
    t.equal(attack.status, 403);
    t.same(data.sqliteTables(), ['notes', 'secrets']);
    const benign = await request(`${app.base}/sqlite/purge?id=999`);
    t.equal(benign.status, 200);
    t.same(benign.json(), { ok: true });
    t.equal(data.sqliteNoteCount(), 2);
  });

  await tap.test('the server is still up after the refusals', async (t) => {
    t.equal(app.child.exitCode, null);
    t.equal((await request(`${app.base}/pg/user?name=bob`)).status, 200);
  });
}
