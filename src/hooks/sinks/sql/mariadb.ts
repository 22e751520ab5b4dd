// mariadb (MariaDB Connector/Node.js), promise API (`mariadb`) and callback API
// (`mariadb/callback`). SQL enters through query, queryStream, execute, prepare and batch on
// connections, and query, execute and batch on pools, which run them on an internal
// connection without going through the public connection methods (so nothing is checked
// twice). Pool clusters hand out public connections, checked there.
//
// The CommonJS entry points are esbuild bundles: the classes are not exported and the
// exports are non-configurable getters. So the hook hands out replacement exports whose
// factories (createConnection, createPool, createPoolCluster) patch the prototype of the
// first object of each kind they return; getConnection and cluster.of() do the same for
// the objects they hand out, before the app's own continuation runs.
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { sqlSinkDetector } from '../../../checks/sql';
import type { RampartBlockedError } from '../../../errors';
import type { ModuleHook } from '../../types';
import { unwrapMethod, wrapMethod } from '../../wrap';
import { failLater, lastFunctionIndex, refusedPromise, refuseToCallback } from '../../../refuse';
import { bindToCaller, checkSql } from './common';

const detector = sqlSinkDetector('mysql', 'mariadb');

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
type Wrapper = (original: AnyFn) => AnyFn;
type Methods = Readonly<Record<string, Wrapper>>;

/** Prototypes patched on first sight, unpatched by unpatch(). */
const patched: Array<{ proto: object; names: string[] }> = [];
const patchedProtos = new WeakSet<object>();
let active = false;

function patchPrototypeOf(instance: unknown, methods: Methods): void {
  if (!active || instance === null || typeof instance !== 'object') return;
  const proto = Object.getPrototypeOf(instance) as object | null;
  if (proto === null || proto === Object.prototype || patchedProtos.has(proto)) return;
  patchedProtos.add(proto);
  const names = Object.keys(methods).filter((name) => typeof (proto as Record<string, unknown>)[name] === 'function');
  for (const name of names) wrapMethod(proto, name, methods[name]!);
  patched.push({ proto, names });
}

function sqlOf(sql: unknown): unknown {
  return typeof sql === 'object' && sql !== null ? (sql as { sql?: unknown }).sql : sql;
}

function erroredStream(error: Error): Readable {
  return failLater(new Readable({ objectMode: true, read() {} }), (stream) => stream.destroy(error));
}

// ---- what a blocked call returns, per API shape ----

type Fail = (self: unknown, args: unknown[], error: RampartBlockedError) => unknown;

const rejectPromise: Fail = (_self, _args, error) => refusedPromise(error);

const failStream: Fail = (_self, _args, error) => erroredStream(error);

const failCallback: Fail = (_self, args, error) => {
  refuseToCallback(args[lastFunctionIndex(args)], error);
  return undefined;
};

/** ConnectionCallback#query returns its command: an emitter with `stream()`. */
const failCommand: Fail = (_self, args, error) => {
  const cmd = new EventEmitter() as EventEmitter & { stream(): Readable };
  cmd.stream = () => erroredStream(error);
  const i = lastFunctionIndex(args);
  process.nextTick(() => {
    if (i !== -1) (args[i] as (err: Error) => void)(error);
    if (cmd.listenerCount('error') > 0) cmd.emit('error', error);
    cmd.emit('end');
  });
  return cmd;
};

function sink(name: string, fail: Fail, bindCallback: boolean): Wrapper {
  const sinkName = `mariadb.${name}`;
  return (original) =>
    function (this: unknown, sql: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const blocked = checkSql(detector, sinkName, sqlOf(sql));
      if (blocked !== undefined) return fail(this, args, blocked);
      if (bindCallback) {
        const i = lastFunctionIndex(args);
        if (i !== -1) args[i] = bindToCaller(args[i]);
      }
      return original.apply(this, args);
    };
}

/** Wraps a method returning a promise of an object whose prototype gets `methods`. */
function observeAsync(methods: Methods): Wrapper {
  return (original) =>
    function (this: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const result = original.apply(this, arguments as unknown as unknown[]);
      // A side branch: registered before the app's own continuation, so it runs first.
      if (result instanceof Promise) result.then((value) => patchPrototypeOf(value, methods), () => undefined);
      return result;
    };
}

/** Wraps a method returning an object whose prototype gets `methods`. */
function observeSync(methods: Methods): Wrapper {
  return (original) =>
    function (this: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const result = original.apply(this, arguments as unknown as unknown[]);
      patchPrototypeOf(result, methods);
      return result;
    };
}

/** Wraps a method taking a node-style callback `(err, connection)` as its last argument. */
function observeCallback(methods: Methods): Wrapper {
  return (original) =>
    function (this: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const i = lastFunctionIndex(args);
      if (i !== -1) {
        const cb = bindToCaller(args[i] as AnyFn);
        args[i] = function (this: unknown, err: unknown, conn: unknown) {
          if (err == null) patchPrototypeOf(conn, methods);
          // eslint-disable-next-line prefer-rest-params
          return cb.apply(this, arguments as unknown as unknown[]);
        };
      }
      return original.apply(this, args);
    };
}

// ---- promise API ----
const PROMISE_CONNECTION: Methods = {
  query: sink('query', rejectPromise, false),
  execute: sink('execute', rejectPromise, false),
  prepare: sink('prepare', rejectPromise, false),
  batch: sink('batch', rejectPromise, false),
  queryStream: sink('queryStream', failStream, false),
};
const PROMISE_POOL: Methods = {
  query: sink('pool.query', rejectPromise, false),
  execute: sink('pool.execute', rejectPromise, false),
  batch: sink('pool.batch', rejectPromise, false),
  getConnection: observeAsync(PROMISE_CONNECTION),
};
const PROMISE_FILTERED_CLUSTER: Methods = { getConnection: observeAsync(PROMISE_CONNECTION) };
const PROMISE_CLUSTER: Methods = {
  getConnection: observeAsync(PROMISE_CONNECTION),
  of: observeSync(PROMISE_FILTERED_CLUSTER),
};

// ---- callback API ----
const CALLBACK_CONNECTION: Methods = {
  query: sink('query', failCommand, true),
  execute: sink('execute', failCallback, true),
  prepare: sink('prepare', failCallback, true),
  batch: sink('batch', failCallback, true),
  queryStream: sink('queryStream', failStream, false),
};
const CALLBACK_POOL: Methods = {
  query: sink('pool.query', failCallback, true),
  execute: sink('pool.execute', failCallback, true),
  batch: sink('pool.batch', failCallback, true),
  getConnection: observeCallback(CALLBACK_CONNECTION),
};
const CALLBACK_FILTERED_CLUSTER: Methods = { getConnection: observeCallback(CALLBACK_CONNECTION) };
const CALLBACK_CLUSTER: Methods = {
  getConnection: observeCallback(CALLBACK_CONNECTION),
  of: observeSync(CALLBACK_FILTERED_CLUSTER),
};

const FACTORY_NAMES = ['createConnection', 'createPool', 'createPoolCluster'] as const;

interface Factories {
  readonly createConnection: Wrapper;
  readonly createPool: Wrapper;
  readonly createPoolCluster: Wrapper;
}

/** Copies the module's exports (and its `default` object) with the factories wrapped. */
function replaceExports(exports: object, factories: Factories): object {
  const copy = (source: object): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of Reflect.ownKeys(source)) {
      const descriptor = Object.getOwnPropertyDescriptor(source, key)!;
      Object.defineProperty(out, key, { value: (source as Record<string | symbol, unknown>)[key], enumerable: descriptor.enumerable, writable: true, configurable: true });
    }
    for (const name of FACTORY_NAMES) wrapMethod(out, name, factories[name]);
    return out;
  };
  const replacement = copy(exports);
  const defaults = replacement.default;
  if (defaults !== null && typeof defaults === 'object') replacement.default = copy(defaults);
  return replacement;
}

function apiHook(module: string, factories: Factories): ModuleHook {
  return {
    module,
    testedMajors: [3],
    patch(exports) {
      if (exports === null || typeof exports !== 'object' || typeof (exports as { createConnection?: unknown }).createConnection !== 'function') return undefined;
      active = true;
      const descriptor = Object.getOwnPropertyDescriptor(exports, 'createConnection');
      if (descriptor !== undefined && (descriptor.configurable === true || descriptor.writable === true)) {
        // A plain exports object (the ESM build's default export): patch it in place.
        for (const name of FACTORY_NAMES) wrapMethod(exports, name, factories[name]);
        return undefined;
      }
      return replaceExports(exports, factories);
    },
    unpatch(exports) {
      // Replacement factories stay with the app; with `active` off they patch nothing.
      active = false;
      if (exports !== null && typeof exports === 'object') for (const name of FACTORY_NAMES) unwrapMethod(exports, name);
      for (const { proto, names } of patched.splice(0)) {
        for (const name of names) unwrapMethod(proto, name);
        patchedProtos.delete(proto);
      }
    },
  };
}

export const mariadbHook = apiHook('mariadb', {
  createConnection: observeAsync(PROMISE_CONNECTION),
  createPool: observeSync(PROMISE_POOL),
  createPoolCluster: observeSync(PROMISE_CLUSTER),
});

export const mariadbCallbackHook = apiHook('mariadb/callback', {
  createConnection: observeSync(CALLBACK_CONNECTION),
  createPool: observeSync(CALLBACK_POOL),
  createPoolCluster: observeSync(CALLBACK_CLUSTER),
});
