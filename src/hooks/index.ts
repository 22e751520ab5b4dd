// Every hook rampart installs. Adding a sink means adding its file and a line here.
//
// Builtins are patched in place at start (ES module imports of a builtin pass no hook
// rampart could wait on). Package hooks are data: a name, and how to load the file that
// implements the hook. That file, with the checks and detectors it uses, is loaded when
// the package is first required or imported, so a process pays at start-up only for a
// list of names (docs/performance.md, "Start-up").
/* eslint-disable @typescript-eslint/no-require-imports */
import { childProcessHook } from './sinks/child-process';
import { frameworkBuiltinHooks } from './sources';
import { fsHook, fsPromisesHook } from './sinks/fs';
import { httpServerHook, httpsServerHook } from './sources/http-server';
import { rawBodyHook } from './sources/raw-body';
import { outboundBuiltinHooks } from './sinks/outbound';
import type { BuiltinHook, ModuleHookEntry } from './types';

export const BUILTIN_HOOKS: readonly BuiltinHook[] = [httpServerHook, httpsServerHook, rawBodyHook, childProcessHook, fsHook, fsPromisesHook, ...outboundBuiltinHooks, ...frameworkBuiltinHooks];

// The SQL drivers (better-sqlite3 first, the reference hook; docs/adding-a-sink.md), then
// outbound HTTP, then the input sources of frameworks and parsers.
export const MODULE_HOOKS: readonly ModuleHookEntry[] = [
  { module: 'better-sqlite3', load: () => (require('./sinks/sql/better-sqlite3') as typeof import('./sinks/sql/better-sqlite3')).betterSqlite3Hook },
  { module: 'pg', load: () => (require('./sinks/sql/pg') as typeof import('./sinks/sql/pg')).pgHook },
  { module: 'pg-pool', load: () => (require('./sinks/sql/pg') as typeof import('./sinks/sql/pg')).pgPoolHook },
  { module: 'postgres/cjs/src/query', load: () => (require('./sinks/sql/postgres') as typeof import('./sinks/sql/postgres')).postgresHook },
  { module: 'postgres', esmOnly: true, load: () => (require('./sinks/sql/postgres') as typeof import('./sinks/sql/postgres')).postgresEsmHook },
  { module: 'mysql2/lib/base/connection', load: () => (require('./sinks/sql/mysql2') as typeof import('./sinks/sql/mysql2')).mysql2ConnectionHook },
  { module: 'mysql2/lib/base/pool', load: () => (require('./sinks/sql/mysql2') as typeof import('./sinks/sql/mysql2')).mysql2PoolHook },
  { module: 'mysql/lib/Connection', load: () => (require('./sinks/sql/mysql') as typeof import('./sinks/sql/mysql')).mysqlConnectionHook },
  { module: 'mysql/lib/Pool', load: () => (require('./sinks/sql/mysql') as typeof import('./sinks/sql/mysql')).mysqlPoolHook },
  { module: 'mariadb', load: () => (require('./sinks/sql/mariadb') as typeof import('./sinks/sql/mariadb')).mariadbHook },
  { module: 'mariadb/callback', load: () => (require('./sinks/sql/mariadb') as typeof import('./sinks/sql/mariadb')).mariadbCallbackHook },
  { module: 'sqlite3', load: () => (require('./sinks/sql/sqlite3') as typeof import('./sinks/sql/sqlite3')).sqlite3Hook },
  { module: 'node:sqlite', load: () => (require('./sinks/sql/node-sqlite') as typeof import('./sinks/sql/node-sqlite')).nodeSqliteHook },
  { module: 'undici', load: () => (require('./sinks/outbound/undici') as typeof import('./sinks/outbound/undici')).undiciHook },
  { module: 'koa', load: () => (require('./sources/koa') as typeof import('./sources/koa')).koaHook },
  { module: 'hono', load: () => (require('./sources/hono') as typeof import('./sources/hono')).honoHook },
  { module: 'ws', load: () => (require('./sources/ws') as typeof import('./sources/ws')).wsHook },
  { module: 'graphql/execution/execute', load: () => (require('./sources/graphql') as typeof import('./sources/graphql')).graphqlHook },
  { module: 'fast-xml-parser', load: () => (require('./sources/fast-xml-parser') as typeof import('./sources/fast-xml-parser')).fastXmlParserHook },
  { module: 'xml2js', load: () => (require('./sources/xml2js') as typeof import('./sources/xml2js')).xml2jsHook },
  { module: '@fastify/busboy', load: () => (require('./sources/busboy') as typeof import('./sources/busboy')).fastifyBusboyHook },
];
