// mysql (mysqljs): every query, direct, pooled or through a pool cluster, ends in
// Connection#query, given SQL text, an options object or a ready Query (pools create the
// Query first). The internal files are hooked by path: the package's main file loads its
// classes lazily. Pools get their getConnection callback bound to the caller's request
// context, so the check made inside the pool's callback sees the right inputs.
//
// `?` placeholders are formatted client side; the template is checked before formatting,
// and a record value (which mysql expands into `key = value` pairs) by the slot it lands in.
import { EventEmitter } from 'node:events';
import type { ModuleHook } from '../../types';
import { declareHook, prototypeOf } from '../../methods-hook';
import { sessionChecker } from './session-modes';
import { bindToCaller, poolGetConnectionHook } from './common';

/** The server's status flags from the handshake: its default NO_BACKSLASH_ESCAPES. */
const handshakeStatus = (connection: unknown): number | undefined =>
  (connection as { _protocol?: { _handshakeInitializationPacket?: { serverStatus?: number } | null } } | null)?._protocol?._handshakeInitializationPacket?.serverStatus;

const { check: checkSession } = sessionChecker('mysql', (sql) => sqlOf(sql), { of: handshakeStatus, handshake: true });
const SINK = 'mysql.query';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

interface Sequence extends EventEmitter {
  sql?: unknown;
  _callback?: unknown;
  end(error?: Error): void;
}

interface ConnectionClass {
  prototype: object;
  createQuery(sql: unknown, values: unknown, cb: unknown): Sequence;
}

function sqlOf(sql: unknown): unknown {
  return typeof sql === 'object' && sql !== null ? (sql as { sql?: unknown }).sql : sql;
}


function swallow(): void {
  // The block is already reported; a query without an error handler must not crash the app.
}

function wrapQuery(klass: ConnectionClass) {
  return (original: AnyFn): AnyFn =>
    function query(this: unknown, sql: unknown, values: unknown, cb: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const blocked = sql === null || sql === undefined ? undefined : checkSession(this, SINK, sql, values);
      if (blocked === undefined) {
        if (sql instanceof EventEmitter) {
          const q = sql as Sequence;
          if (typeof q._callback === 'function') q._callback = bindToCaller(q._callback);
        } else if (typeof values === 'function') args[1] = bindToCaller(values);
        else if (typeof cb === 'function') args[2] = bindToCaller(cb);
        return original.apply(this, args);
      }
      // As mysql does for a query it refuses to enqueue: the Query ends with the error on the
      // next tick ('error', then the callback, then 'end'), so streams and pools see it too.
      const q = klass.createQuery(sql, values, cb);
      q.on('error', swallow);
      process.nextTick(() => q.end(blocked));
      return q;
    };
}

export const mysqlConnectionHook: ModuleHook = declareHook({
  module: 'mysql/lib/Connection',
  versions: '2.x',
  targets: [
    {
      at: (loaded) => (typeof loaded === 'function' && typeof (loaded as unknown as ConnectionClass).createQuery === 'function' ? prototypeOf(loaded) : undefined),
      wrap: { query: (original, klass) => wrapQuery(klass as ConnectionClass)(original) },
    },
  ],
});

/** Pool clusters and pool namespaces end in Pool#getConnection, called synchronously. */
export const mysqlPoolHook: ModuleHook = poolGetConnectionHook('mysql/lib/Pool', '2.x');
