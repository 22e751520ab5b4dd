// sqlite3 (node-sqlite3): SQL text enters through Database#run, #get, #all, #each, #map,
// #prepare (each builds a Statement from it) and #exec; statements run later with bound
// parameters only. The native addon calls every callback in the async context of whoever
// opened the database, so callbacks of Database and Statement methods are bound to the
// caller's request context.
import { sqlSinkDetector } from '../../../checks/sql';
import type { RampartBlockedError } from '../../../errors';
import type { ModuleHook } from '../../types';
import { declareHook, type WrapperFactory } from '../../methods-hook';
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

/** Both classes, or neither: the hook leaves a module without them alone. */
function classes(loaded: unknown): Required<Sqlite3Exports> | undefined {
  const { Database, Statement } = (loaded ?? {}) as Sqlite3Exports;
  return Database === undefined || Statement === undefined ? undefined : { Database, Statement };
}

const databaseMethods: Record<string, WrapperFactory> = Object.fromEntries(RUNNERS.map((name) => [name, wrapRunner(name)]));
databaseMethods.prepare = (original, loaded) => wrapPrepare(classes(loaded)!.Statement.prototype)(original);

export const sqlite3Hook: ModuleHook = declareHook({
  module: 'sqlite3',
  versions: '5.x || 6.x',
  targets: [
    { at: (loaded) => classes(loaded)?.Database.prototype, wrap: databaseMethods },
    { at: (loaded) => classes(loaded)?.Statement.prototype, wrap: Object.fromEntries(STATEMENT_METHODS.map((name) => [name, wrapStatementMethod])) },
  ],
});
