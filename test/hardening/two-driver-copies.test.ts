// Two copies of one driver in one process (an app and a dependency each with their own
// node_modules/mysql): both are patched, both block an injection, both run benign SQL.
// The second copy is a real copy of the installed package in a temporary node_modules.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../src/index';
import { isWrapped } from '../fixtures/hardening-shape';
import { captureOtelLogs } from '../helpers/otel';

const events = captureOtelLogs();
start({ logLevel: 'silent' });

const MODULES = join(__dirname, '..', '..', 'node_modules');
const other = join(realpathSync(mkdtempSync(join(tmpdir(), 'rampart-two-drivers-'))), 'node_modules');
mkdirSync(other);
cpSync(join(MODULES, 'mysql'), join(other, 'mysql'), { recursive: true });
// Everything else the copy requires (and what that requires) resolves beside it.
for (const dep of readdirSync(MODULES)) if (dep !== 'mysql' && !dep.startsWith('.')) symlinkSync(join(MODULES, dep), join(other, dep), 'dir');

type Cb = (err: unknown, rows?: unknown) => void;
interface Connection {
  query(sql: string, cb: Cb): unknown;
  end(cb?: () => void): void;
}
interface Mysql {
  createConnection(config: object): Connection;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const first = require('mysql') as Mysql;
const second = require(join(other, 'mysql')) as Mysql;
const firstProto = require('mysql/lib/Connection').prototype as object;
const secondProto = require(join(other, 'mysql', 'lib', 'Connection')).prototype as object;
/* eslint-enable @typescript-eslint/no-require-imports */

const T = `rampart_two_drivers_${process.pid}`;
const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test', multipleStatements: true };
const admin = first.createConnection(config); // outside any request context: never checked
const a = first.createConnection(config);
const b = second.createConnection(config);
const run = (conn: Connection, sql: string) => new Promise<{ err: unknown; rows: unknown }>((resolve) => conn.query(sql, (err, rows) => resolve({ err, rows })));

t.before(async () => {
  await run(admin, `DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id INT PRIMARY KEY, name VARCHAR(20)); INSERT INTO ${T} VALUES (1, 'alice')`);
});
t.teardown(async () => {
  await run(admin, `DROP TABLE IF EXISTS ${T}`);
  for (const c of [admin, a, b]) await new Promise<void>((r) => c.end(() => r()));
  stop();
});

t.test('two module instances, both patched', async (t) => {
  t.not(first, second, 'really two copies');
  t.not(firstProto, secondProto);
  t.ok(isWrapped((firstProto as { query: unknown }).query), 'first copy hooked');
  t.ok(isWrapped((secondProto as { query: unknown }).query), 'second copy hooked');
});

t.test('both copies block an injection and run benign SQL', async (t) => {
  const attack = "x'; DROP TABLE " + T + '; --';
  for (const [name, conn] of [['first', a], ['second', b]] as const) {
    events.reset();
    const blocked = await withInput({ source: 'query', name: 'name', value: attack }, () => run(conn, `SELECT * FROM ${T} WHERE name = '${attack}'`));
    t.type(blocked.err, RampartBlockedError, `${name} copy: blocked`);
    t.equal(events.attacks().length, 1, `${name} copy: one finding`);
    const tables = await run(admin, `SHOW TABLES LIKE '${T}'`);
    t.equal((tables.rows as unknown[]).length, 1, `${name} copy: table still there`);
    const benign = await withInput({ source: 'query', name: 'name', value: 'alice' }, () => run(conn, `SELECT id, name FROM ${T} WHERE name = 'alice'`));
    t.equal(benign.err, null);
    t.same(JSON.parse(JSON.stringify(benign.rows)), [{ id: 1, name: 'alice' }], `${name} copy: benign result unchanged`);
  }
});
