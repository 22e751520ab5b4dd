// sqlite3 (node-sqlite3): SQL text enters through Database#run, #get, #all, #each, #map,
// #prepare (each builds a Statement from it) and #exec; statements run later with bound
// parameters only. The native addon calls every callback in the async context of whoever
// opened the database, so callbacks of Database and Statement methods are bound to the
// caller's request context.
import { sqlSinkDetector } from '../../../checks/sql';
import type { RampartBlockedError } from '../../../errors';
import type { ModuleHook } from '../../types';
import { unwrapMethod, wrapMethod } from '../../wrap';
import { lastFunctionIndex, refuseToCallback } from '../../../refuse';
import { bindToCaller, checkSql } from './common';

const detector = sqlSinkDetector('sqlite', 'sqlite');
/** Database methods that take SQL text first and return the database. */
const RUNNERS = ['run', 'get', 'all', 'each', 'map', 'exec'] as const;
/** Statement methods whose callbacks are bound (SQL was checked at prepare). */
const STATEMENT_METHODS = ['bind', 'run', 'get', 'all', 'each', 'map', 'reset', 'finalize'] as const;

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

interface Sqlite3Exports {
  Database?: { prototype: object };
  Statement?: { prototype: object };
}

function bindAll(args: unknown[]): void {
  for (let i = 0; i < args.length; i++) if (typeof args[i] === 'function') args[i] = bindToCaller(args[i]);
}

function callLast(args: unknown[], error: RampartBlockedError): void {
  refuseToCallback(args[lastFunctionIndex(args)], error);
  // Without a callback sqlite3 has no error channel the app can reach; the block is reported.
}

function wrapRunner(name: string) {
  return (original: AnyFn): AnyFn =>
    function (this: unknown, sql: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const blocked = checkSql(detector, `sqlite3.${name}`, sql);
      if (blocked !== undefined) {
        callLast(args, blocked);
        return this;
      }
      bindAll(args);
      return original.apply(this, args);
    };
}

/** A statement that never reached SQLite: every method reports the block error. */
function blockedStatement(statementProto: object, error: RampartBlockedError): object {
  const stmt = Object.create(statementProto) as Record<string, unknown>;
  for (const method of STATEMENT_METHODS) {
    Object.defineProperty(stmt, method, {
      configurable: true,
      writable: true,
      value(this: unknown, ...args: unknown[]) {
        if (method === 'finalize') {
          const cb = args[lastFunctionIndex(args)];
          if (typeof cb === 'function') process.nextTick(cb as () => void);
        } else callLast(args, error);
        return this;
      },
    });
  }
  return stmt;
}

function wrapPrepare(statementProto: object) {
  return (original: AnyFn): AnyFn =>
    function prepare(this: unknown, sql: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const blocked = checkSql(detector, 'sqlite3.prepare', sql);
      if (blocked !== undefined) {
        callLast(args, blocked);
        return blockedStatement(statementProto, blocked);
      }
      bindAll(args);
      return original.apply(this, args);
    };
}

function wrapStatementMethod(original: AnyFn): AnyFn {
  return function (this: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    bindAll(args);
    return original.apply(this, args);
  };
}

export const sqlite3Hook: ModuleHook = {
  module: 'sqlite3',
  testedMajors: [5, 6],
  patch(exports) {
    const { Database, Statement } = exports as Sqlite3Exports;
    if (Database === undefined || Statement === undefined) return;
    for (const name of RUNNERS) wrapMethod(Database.prototype, name, wrapRunner(name));
    wrapMethod(Database.prototype, 'prepare', wrapPrepare(Statement.prototype));
    for (const name of STATEMENT_METHODS) wrapMethod(Statement.prototype, name, wrapStatementMethod);
  },
  unpatch(exports) {
    const { Database, Statement } = exports as Sqlite3Exports;
    if (Database === undefined || Statement === undefined) return;
    for (const name of [...RUNNERS, 'prepare']) unwrapMethod(Database.prototype, name);
    for (const name of STATEMENT_METHODS) unwrapMethod(Statement.prototype, name);
  },
};
