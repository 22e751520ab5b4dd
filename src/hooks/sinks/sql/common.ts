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
