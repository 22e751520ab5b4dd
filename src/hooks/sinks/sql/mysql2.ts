// mysql2: every API (callback connections, mysql2/promise, pools, pool clusters) ends in
// the base connection's query, execute or prepare, so those three are checked; pools only
// get their getConnection callback bound to the caller's request context, so the check made
// inside the pool's callback sees the right inputs. The internal files are hooked by path
// because mysql2/promise never loads the package's main file.
//
// query() formats `?` placeholders client side; the template is checked before formatting:
// the values are escaped by the driver. A record value is judged by the slot it lands in when
// this mysql2 release expands records there (those formatting with sqlstring do).
import { EventEmitter } from 'node:events';
import type { ModuleHook } from '../../types';
import { declareHook, prototypeOf } from '../../methods-hook';
import { sessionChecker } from './session-modes';
import { bindToCaller, checkSql, poolGetConnectionHook } from './common';

/** The server's status flags from the handshake: its default NO_BACKSLASH_ESCAPES. */
const handshakeStatus = (connection: unknown): number | undefined =>
  (connection as { _handshakePacket?: { statusFlags?: number } | null } | null)?._handshakePacket?.statusFlags;

const { check: checkSession, detectorsFor } = sessionChecker('mysql', (sql) => sqlOf(sql), { of: handshakeStatus, handshake: true });

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

interface Command extends EventEmitter {
  sql?: unknown;
  onResult?: unknown;
}

interface ConnectionClass {
  prototype: object;
  createQuery?(sql: unknown, values: unknown, cb: unknown, config: unknown): Command;
}

function sqlOf(sql: unknown): unknown {
  return typeof sql === 'object' && sql !== null ? (sql as { sql?: unknown }).sql : sql;
}


/** Binds the callback of a (sql, [values], [cb]) call, or the onResult of a ready command. */
function bindArgs(args: unknown[]): void {
  const [sql, values, cb] = args;
  if (sql instanceof EventEmitter) {
    const cmd = sql as Command;
    if (typeof cmd.onResult === 'function') cmd.onResult = bindToCaller(cmd.onResult);
  } else if (typeof values === 'function') args[1] = bindToCaller(values);
  else if (typeof cb === 'function') args[2] = bindToCaller(cb);
}

/** Reports the error the way mysql2 commands do: onResult or 'error', then 'end'. */
function failCommand(cmd: Command, error: Error): Command {
  process.nextTick(() => {
    if (typeof cmd.onResult === 'function') (cmd.onResult as (err: Error) => void)(error);
    else if (cmd.listenerCount('error') > 0) cmd.emit('error', error);
    cmd.emit('end');
  });
  return cmd;
}

/** A stand-in command for execute/prepare, whose command classes are not exported. */
function standInCommand(sql: unknown, cb: unknown): Command {
  const cmd = new EventEmitter() as Command;
  cmd.sql = sqlOf(sql);
  if (typeof cb === 'function') cmd.onResult = cb;
  return cmd;
}

function wrapQuery(klass: ConnectionClass) {
  return (original: AnyFn): AnyFn =>
    function query(this: unknown, sql: unknown, values: unknown, cb: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const blocked = sql === null || sql === undefined ? undefined : checkSession(this, 'mysql2.query', sql, values);
      if (blocked === undefined) {
        bindArgs(args);
        return original.apply(this, args);
      }
      const cmd =
        sql instanceof EventEmitter
          ? (sql as Command)
          : klass.createQuery !== undefined
            ? klass.createQuery(sql, values, cb, (this as { config?: unknown }).config ?? {})
            : standInCommand(sql, typeof values === 'function' ? values : cb);
      return failCommand(cmd, blocked);
    };
}

function wrapExecute(original: AnyFn): AnyFn {
  return function execute(this: unknown, sql: unknown, values: unknown, cb: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    const blocked = sql === null || sql === undefined ? undefined : checkSql(detectorsFor(this).text, 'mysql2.execute', sqlOf(sql));
    if (blocked === undefined) {
      bindArgs(args);
      return original.apply(this, args);
    }
    return failCommand(standInCommand(sql, typeof values === 'function' ? values : cb), blocked);
  };
}

function wrapPrepare(original: AnyFn): AnyFn {
  return function prepare(this: unknown, options: unknown, cb: unknown) {
    const blocked = options === null || options === undefined ? undefined : checkSql(detectorsFor(this).text, 'mysql2.prepare', sqlOf(options));
    if (blocked === undefined) return original.call(this, options, bindToCaller(cb));
    return failCommand(standInCommand(options, cb), blocked);
  };
}

export const mysql2ConnectionHook: ModuleHook = declareHook({
  module: 'mysql2/lib/base/connection',
  versions: '3.x',
  targets: [
    {
      at: (loaded) => (typeof loaded === 'function' ? prototypeOf(loaded) : undefined),
      wrap: { query: (original, klass) => wrapQuery(klass as ConnectionClass)(original), execute: wrapExecute, prepare: wrapPrepare },
    },
  ],
});

/** Pool clusters and the promise pool go through the base pool's getConnection too. */
export const mysql2PoolHook: ModuleHook = poolGetConnectionHook('mysql2/lib/base/pool', '3.x');
