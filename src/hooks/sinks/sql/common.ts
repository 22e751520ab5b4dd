// Helpers shared by the SQL driver hooks.
//
// Asynchronous drivers report a refused call through the same channel as a query error
// (callback, rejected promise, 'error' event), never as a synchronous throw (see
// docs/refusals.md). The guard has already sent the 403 response when the call is refused.
import { contextStore } from '../../../context/store';
import { guardSink, type SinkDetector, type Verdict } from '../../../guard';
import { refuseSync } from '../../../refuse';
import type { ModuleHook } from '../../types';
import { declareHook, prototypeOf } from '../../methods-hook';
import { recordValues, type FormattedCall } from '../../../checks/sql-values';

/** Asks the guard about one SQL text; returns the refusal, or undefined to go ahead. */
export function checkSql(detector: SinkDetector<string>, sink: string, sql: unknown): Verdict {
  return typeof sql === 'string' ? guardSink(detector, sink, sql) : undefined;
}

type Callback = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The wrapper of a synchronous driver's method taking SQL text first (better-sqlite3,
 * node:sqlite): such a driver throws its own SQL errors, so a refusal is thrown too.
 */
export function syncSqlMethod(detector: SinkDetector<string>, sink: string): (original: Callback) => Callback {
  return (original) =>
    function (this: unknown, sql: unknown) {
      const refusal = checkSql(detector, sink, sql);
      if (refusal !== undefined) refuseSync(refusal);
      // eslint-disable-next-line prefer-rest-params
      return original.apply(this, arguments as unknown as unknown[]);
    };
}

/**
 * Runs `fn` later in the request context of the caller. Drivers call back from socket
 * events, which carry the context of whoever opened the socket (another request, or none),
 * and pools hand a freed connection to the next waiter from the releasing request: without
 * this, SQL sent from a callback would be checked against another request's inputs.
 * Only rampart's own store is restored; `this` and arguments pass through.
 */
export function bindToCaller<F>(fn: F): F {
  if (typeof fn !== 'function') return fn;
  const ctx = contextStore.getStore();
  const original = fn as unknown as Callback;
  return function (this: unknown, ...args: unknown[]) {
    return contextStore.run(ctx!, Reflect.apply, original, this, args);
  } as unknown as F;
}

/**
 * A hook for a pool class whose getConnection(callback) hands a freed connection to the
 * next waiter from the releasing request's context: the callback is bound to its caller.
 */
export function poolGetConnectionHook(module: string, versions: string): ModuleHook {
  return declareHook({ module, versions, targets: [{ at: prototypeOf, wrap: { getConnection: wrapGetConnection } }] });
}

function wrapGetConnection(original: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return function getConnection(this: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    const last = args.length - 1;
    if (last >= 0 && typeof args[last] === 'function') args[last] = bindToCaller(args[last]);
    return original.apply(this, args);
  };
}

/** The values mysql and mysql2 format: the argument, else those of an options object or a ready Query. */
export function valuesOf(sql: unknown, values: unknown): unknown {
  if (values !== undefined && typeof values !== 'function') return values;
  return typeof sql === 'object' && sql !== null ? (sql as { values?: unknown }).values : undefined;
}

/** A mysql or mysql2 connection (or pool): its config and its own `?` formatter. */
interface Formatter {
  config?: { queryFormat?: unknown; stringifyObjects?: unknown };
  format?(sql: string, values: unknown[]): unknown;
}

const PROBE_KEY = 'rampart_expansion_probe';
const expandsByConfig = new WeakMap<object, boolean>();

/**
 * Whether this connection's formatter turns an object in a value slot into `key = value`
 * pairs. Asked of the driver itself, once per connection config: mysql always does, mysql2
 * did until it moved to sql-escaper (pairs only in SET lists), `stringifyObjects` turns it
 * off, and a custom `queryFormat` is the app's own formatting (not judged).
 */
function expandsObjects(connection: unknown): boolean {
  const c = connection as Formatter;
  const config = c?.config;
  if (typeof config !== 'object' || config === null || typeof c.format !== 'function') return false;
  if (typeof config.queryFormat === 'function' || config.stringifyObjects) return false;
  let expands = expandsByConfig.get(config);
  if (expands === undefined) {
    try {
      const formatted = c.format('SELECT ?', [{ [PROBE_KEY]: 1 }]);
      expands = typeof formatted === 'string' && formatted.includes(`\`${PROBE_KEY}\``);
    } catch {
      expands = false; // a formatter that refuses objects does not expand them
    }
    expandsByConfig.set(config, expands);
  }
  return expands;
}

interface NamedResolver {
  config?: { namedPlaceholders?: unknown };
  _resolveNamedPlaceholders?(options: { sql: string; values: unknown; namedPlaceholders?: unknown }): void;
}

/**
 * mysql2 with `namedPlaceholders` (on the connection or the query) and an object of values:
 * the template with `:name` turned into `?` and the values in that order, as the driver itself
 * converts them (its own converter, which only rewrites the options object it is given), so
 * each value is judged by the slot its name stands in. Undefined for every other call.
 */
function namedToPositional(connection: unknown, options: unknown, sql: string, values: unknown): { sql: string; values: unknown } | undefined {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
  const c = connection as NamedResolver;
  if (typeof c?._resolveNamedPlaceholders !== 'function') return undefined;
  const asked = typeof options === 'object' && options !== null ? (options as { namedPlaceholders?: unknown }).namedPlaceholders : undefined;
  const named = asked ?? c.config?.namedPlaceholders;
  if (!named) return undefined;
  const resolved = { sql, values, namedPlaceholders: named };
  c._resolveNamedPlaceholders(resolved);
  return typeof resolved.sql === 'string' && Array.isArray(resolved.values) ? resolved : undefined;
}

/**
 * Checks a `?`-formatted call: the template as text and, when a value is a record the
 * connection would expand, the slot each record expands into (checks/sql-values.ts).
 * `options` is the query's options object, if the app passed one (mysql2's namedPlaceholders).
 */
export function checkFormattedSql(text: SinkDetector<string>, withValues: SinkDetector<FormattedCall>, sink: string, connection: unknown, sql: unknown, values: unknown, options?: unknown): Verdict {
  if (typeof sql !== 'string') return undefined;
  let records: readonly unknown[] | undefined;
  let slots: string | undefined;
  try {
    const positional = namedToPositional(connection, options, sql, values);
    if (positional !== undefined) {
      slots = positional.sql;
      values = positional.values;
    }
    records = recordValues(values);
    if (records !== undefined && !expandsObjects(connection)) records = undefined;
  } catch {
    records = undefined; // a hostile value (a throwing proxy): the text check still runs
  }
  return records === undefined ? guardSink(text, sink, sql) : guardSink(withValues, sink, { sql, values: records, slots });
}
