// node-postgres: SQL enters through Client#query (text, `{ text, values }`, or a submittable
// such as pg.Query and pg-cursor carrying `.text`, or pg-query-stream carrying
// `.cursor.text`) and through
// pg-pool's Pool#query, which checks out a client and calls Client#query itself.
//
// Pool#query is checked at its entry, in the caller's request context, so a blocked query
// never checks out a connection (pg-pool destroys a client released with an error, and an
// attacker could make the server fork a backend per request). The Client#query call that
// the pool then makes is recognised as re-entry and not checked a second time.
import type { ModuleHook } from '../../types';
import { declareHook, prototypeOf } from '../../methods-hook';
import type { RampartBlockedError } from '../../../errors';
import { refusedPromise, refuseToCallback } from '../../../refuse';
import { bindToCaller, checkSql } from './common';
import { learnPgSetting, pgDetector, pgReadings, watchPgClient } from './pg-session';

const CLIENT_SINK = 'pg.query';
const POOL_SINK = 'pg.pool.query';

// A checked Pool#query calls this.connect at once, and the connect callback calls
// client.query at once; these say what those two calls are while they run. A promise-style
// query (no callback of the app's) hands pg-pool's own callbacks, which only settle the
// promise: the app's code after `await` runs in the context the promise was made in, so
// binding them to the caller's context (two AsyncLocalStorage.run per query) buys nothing.
type PoolQuery = 'none' | 'callback' | 'promise';
/** The checked Pool#query whose connect call comes next. */
let poolQueryInFlight: PoolQuery = 'none';
/** The checked Pool#query whose client.query call comes next: it is not checked again. */
let clientQueryOf: PoolQuery = 'none';

interface Submittable {
  text?: unknown;
  callback?: unknown;
  submit: unknown;
  handleError(error: Error, connection: unknown): void;
}

function sqlText(config: unknown): unknown {
  if (typeof config === 'string') return config;
  const text = (config as { text?: unknown }).text;
  // pg-query-stream keeps its text on the pg-cursor it wraps.
  return text === undefined ? (config as { cursor?: { text?: unknown } }).cursor?.text : text;
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

function wrapClientQuery(original: AnyFn): AnyFn {
  return function query(this: unknown, config: unknown, values: unknown, callback: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    if (config === null || config === undefined) return original.apply(this, args);
    const pooled = clientQueryOf;
    clientQueryOf = 'none';
    const text = sqlText(config);
    const blocked = pooled !== 'none' ? undefined : checkSql(pgDetector(pgReadings(this)), CLIENT_SINK, text);
    if (blocked !== undefined) return failClientQuery(this as { connection?: unknown; _Promise?: PromiseConstructor }, config, values, callback, blocked);
    learnPgSetting(this, text);
    if (pooled === 'promise') return original.apply(this, args);
    if (typeof values === 'function') args[1] = bindToCaller(values);
    else if (typeof callback === 'function') args[2] = bindToCaller(callback);
    else if (typeof (config as Submittable).submit === 'function' && typeof (config as Submittable).callback === 'function') {
      (config as Submittable).callback = bindToCaller((config as Submittable).callback);
    }
    return original.apply(this, args);
  };
}

/** What Client#query returns and how it reports errors, without sending anything. */
function failClientQuery(client: { connection?: unknown; _Promise?: PromiseConstructor }, config: unknown, values: unknown, callback: unknown, error: RampartBlockedError): unknown {
  const submittable = config as Submittable;
  if (typeof submittable.submit === 'function') {
    // As pg does for a client that cannot take queries: the submittable gets the error.
    if (!submittable.callback) {
      if (typeof values === 'function') submittable.callback = values;
      else if (callback) submittable.callback = callback;
    }
    process.nextTick(() => submittable.handleError(error, client.connection));
    return submittable;
  }
  const cb = typeof values === 'function' ? values : callback;
  if (typeof cb === 'function') {
    refuseToCallback(cb, error);
    return undefined;
  }
  return refusedPromise(error, client._Promise);
}

/** Starts listening to the server's reports of standard_conforming_strings before the client connects. */
function wrapClientConnect(original: AnyFn): AnyFn {
  return function connect(this: unknown) {
    watchPgClient(this);
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

export const pgHook: ModuleHook = declareHook({
  module: 'pg',
  versions: '8.x',
  targets: [{ at: (pg) => (pg as { Client?: { prototype?: object } }).Client?.prototype, wrap: { query: wrapClientQuery, connect: wrapClientConnect } }],
});

function wrapPoolQuery(original: AnyFn): AnyFn {
  return function query(this: unknown, text: unknown, values: unknown, cb: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    if (text === null || text === undefined || typeof text === 'function') return original.apply(this, args);
    const sql = sqlText(text);
    const blocked = checkSql(pgDetector(pgReadings(this, (this as { _clients?: unknown[] })._clients ?? [])), POOL_SINK, sql);
    if (blocked === undefined) learnPgSetting(this, sql);
    if (blocked !== undefined) {
      const callback = typeof values === 'function' ? values : cb;
      if (typeof callback === 'function') {
        refuseToCallback(callback, blocked);
        return undefined;
      }
      return refusedPromise(blocked, (this as { Promise?: PromiseConstructor }).Promise);
    }
    const outer = poolQueryInFlight;
    poolQueryInFlight = typeof values === 'function' || typeof cb === 'function' ? 'callback' : 'promise';
    try {
      return original.apply(this, args);
    } finally {
      poolQueryInFlight = outer;
    }
  };
}

function wrapPoolConnect(original: AnyFn): AnyFn {
  return function connect(this: unknown, cb: unknown) {
    if (typeof cb !== 'function') return original.apply(this, arguments as unknown as unknown[]);
    const query = poolQueryInFlight;
    if (query === 'none') return original.call(this, bindToCaller(cb as AnyFn));
    poolQueryInFlight = 'none'; // only this connect call belongs to the checked query
    const next = query === 'promise' ? (cb as AnyFn) : bindToCaller(cb as AnyFn);
    return original.call(this, function (this: unknown, ...args: unknown[]) {
      clientQueryOf = args[0] == null ? query : 'none';
      try {
        return next.apply(this, args);
      } finally {
        clientQueryOf = 'none';
      }
    });
  };
}

export const pgPoolHook: ModuleHook = declareHook({
  module: 'pg-pool',
  versions: '3.x',
  targets: [{ at: prototypeOf, wrap: { query: wrapPoolQuery, connect: wrapPoolConnect } }],
});
