// Drivers whose hook sits on a file inside the package (mysql2/lib/base/connection,
// postgres/cjs/src/query, graphql/execution/execute) loaded BEFORE start(), on purpose:
// start() must still patch those files and warn, and a connection made before start()
// must be protected. (The same for a package's main module, better-sqlite3, is covered
// in test/register.test.ts.)
/* eslint-disable @typescript-eslint/no-require-imports */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../src/index';
import { isWrapped } from '../fixtures/hardening-shape';
import { logLinesWhen } from '../fixtures/hardening-telemetry';

const MODULES = join(__dirname, '..', '..', 'node_modules');
const mysql = require('mysql2') as typeof import('mysql2');
require('postgres');
require('graphql');
const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test', multipleStatements: true };
const conn = mysql.createConnection(config); // made before rampart exists

const logFile = join(mkdtempSync(join(tmpdir(), 'rampart-late-')), 'rampart.log');
start({ logLevel: 'warn', logDestination: logFile });

const T = `rampart_late_${process.pid}`;
const run = (sql: string) => new Promise<{ err: unknown; rows: unknown }>((resolve) => conn.query(sql, (err, rows) => resolve({ err, rows })));
t.before(() => run(`DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id INT PRIMARY KEY, name VARCHAR(20)); INSERT INTO ${T} VALUES (1, 'alice')`));
t.teardown(async () => {
  await run(`DROP TABLE IF EXISTS ${T}`);
  await conn.promise().end();
  stop();
});

t.test('files inside packages loaded earlier are patched, with a warning naming each', async (t) => {
  t.ok(isWrapped(require(join(MODULES, 'mysql2/lib/base/connection.js')).prototype.query), 'mysql2 connection');
  t.ok(isWrapped(require(join(MODULES, 'postgres/cjs/src/query.js')).Query.prototype.handle), 'postgres query');
  t.ok(isWrapped(require(join(MODULES, 'graphql/execution/execute.js')).execute), 'graphql execute');
  const lines = await logLinesWhen(logFile, (ls) => ls.length >= 3);
  const warned = lines.filter((l) => l.level === 'warn' && /was loaded before rampart started/.test(String(l.msg))).map((l) => l.module);
  for (const module of ['mysql2/lib/base/connection', 'postgres/cjs/src/query', 'graphql/execution/execute']) t.ok(warned.includes(module), `warned about ${module}`);
});

t.test('a connection made before start() is protected', async (t) => {
  const attack = `x'; DROP TABLE ${T}; --`;
  const blocked = await withInput({ source: 'body', name: 'name', value: attack }, () => run(`SELECT * FROM ${T} WHERE name = '${attack}'`));
  t.type(blocked.err, RampartBlockedError);
  const benign = await withInput({ source: 'body', name: 'name', value: 'alice' }, () => run(`SELECT id, name FROM ${T} WHERE name = 'alice'`));
  t.same(JSON.parse(JSON.stringify(benign.rows)), [{ id: 1, name: 'alice' }], 'table still there, benign query unchanged');
});
