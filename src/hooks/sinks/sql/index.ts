// The SQL driver hooks (better-sqlite3 lives beside them as the reference hook).
import type { ModuleHook } from '../../types';
import { mariadbCallbackHook, mariadbHook } from './mariadb';
import { mysqlConnectionHook, mysqlPoolHook } from './mysql';
import { mysql2ConnectionHook, mysql2PoolHook } from './mysql2';
import { nodeSqliteHook } from './node-sqlite';
import { pgHook, pgPoolHook } from './pg';
import { postgresEsmHook, postgresHook } from './postgres';
import { sqlite3Hook } from './sqlite3';

export const SQL_DRIVER_HOOKS: readonly ModuleHook[] = [
  pgHook,
  pgPoolHook,
  postgresHook,
  postgresEsmHook,
  mysql2ConnectionHook,
  mysql2PoolHook,
  mysqlConnectionHook,
  mysqlPoolHook,
  mariadbHook,
  mariadbCallbackHook,
  sqlite3Hook,
  nodeSqliteHook,
];
