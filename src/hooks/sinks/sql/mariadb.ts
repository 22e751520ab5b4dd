// mariadb (MariaDB Connector/Node.js), promise API (`mariadb`) and callback API
// (`mariadb/callback`). SQL enters through query, queryStream, execute, prepare and batch on
// connections, and query, execute and batch on pools, which run them on an internal
// connection without going through the public connection methods (so nothing is checked
// twice). Pool clusters hand out public connections, checked there.
//
// The CommonJS entry points are esbuild bundles: the classes are not exported and the
// exports are non-configurable getters. So the declarations say `frozenExports: 'copy'`
// (the hook hands out a copy of the exports with the factories wrapped), and the
// factories (createConnection, createPool, createPoolCluster) patch the prototype of the
// first object of each kind they return (discovered.ts); getConnection and cluster.of()
// do the same for the objects they hand out, before the app's own continuation runs.
// Both APIs come from one table: they differ only in how a call reports its result.
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { RampartBlockedError } from '../../../errors';
import { failLater, lastFunctionIndex, refusedPromise, refuseToCallback } from '../../../refuse';
import { DiscoveredPrototypes, type PrototypeTable } from '../../discovered';
import { declareHook, exportsOf, type WrapperFactory } from '../../methods-hook';
import { bindToCaller, checkSql } from './common';
import { learnSessionMode, sessionDetectors } from './session-modes';

/**
 * The session's status flags, which the connector keeps up to date from every OK packet
 * (`conn.info.status`): the server's own word on NO_BACKSLASH_ESCAPES, however it was set.
 */
const liveStatus = (connection: unknown): number | undefined => {
  const status = (connection as { info?: { status?: unknown } | null } | null)?.info?.status;
  return typeof status === 'number' ? status : undefined;
};
const detectorsFor = sessionDetectors('mariadb', { of: liveStatus, handshake: false });

/** Shared by both APIs, as one connector: unpatching either undoes every prototype found. */
const discovered = new DiscoveredPrototypes();

function sqlOf(sql: unknown): unknown {
  return typeof sql === 'object' && sql !== null ? (sql as { sql?: unknown }).sql : sql;
}

function erroredStream(error: Error): Readable {
  return failLater(new Readable({ objectMode: true, read() {} }), (stream) => stream.destroy(error));
}

// ---- what a blocked call returns, per API shape ----

type Fail = (args: unknown[], error: RampartBlockedError) => unknown;

const rejectPromise: Fail = (_args, error) => refusedPromise(error);

const failStream: Fail = (_args, error) => erroredStream(error);

const failCallback: Fail = (args, error) => {
  refuseToCallback(args[lastFunctionIndex(args)], error);
  return undefined;
};

/** ConnectionCallback#query returns its command: an emitter with `stream()`. */
const failCommand: Fail = (args, error) => {
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

/**
 * A pool runs each query on whichever connection is free, so neither a SET sent through it
 * nor one connection's status tells the session of the next: a pool's queries are judged
 * under every reading (the app's pool has no session of its own to key them by).
 */
const POOL = {};

function sink(name: string, fail: Fail, bindCallback: boolean): WrapperFactory {
  const sinkName = `mariadb.${name}`;
  const onPool = name.startsWith('pool.');
  return (original) =>
    function (this: unknown, sql: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const session = onPool ? POOL : this;
      const text = sqlOf(sql);
      const blocked = checkSql(detectorsFor(session).text, sinkName, text);
      if (blocked !== undefined) return fail(args, blocked);
      if (!onPool) learnSessionMode(session, text);
      if (bindCallback) {
        const i = lastFunctionIndex(args);
        if (i !== -1) args[i] = bindToCaller(args[i]);
      }
      return original.apply(this, args);
    };
}

/** How one API reports: its failures, and how it hands out connections. */
interface ApiStyle {
  /** query, execute, prepare, batch on a connection; query, execute, batch on a pool. */
  readonly fail: Fail;
  /** Connection#query alone (the callback API returns a command object). */
  readonly failQuery: Fail;
  /** The callback API binds the app's callback to its request context. */
  readonly bind: boolean;
  /** createConnection: a promise of the connection, or the connection itself. */
  readonly createsConnection: (table: PrototypeTable) => WrapperFactory;
  /** getConnection on pools and clusters: a promise, or a callback. */
  readonly handsOutConnection: (table: PrototypeTable) => WrapperFactory;
}

/** The factories' table of one API, with the tables of everything they hand out. */
function factoriesOf(style: ApiStyle): PrototypeTable {
  const { fail, bind } = style;
  const connection: PrototypeTable = {
    query: sink('query', style.failQuery, bind),
    execute: sink('execute', fail, bind),
    prepare: sink('prepare', fail, bind),
    batch: sink('batch', fail, bind),
    queryStream: sink('queryStream', failStream, false),
  };
  const getConnection = style.handsOutConnection(connection);
  const pool: PrototypeTable = {
    query: sink('pool.query', fail, bind),
    execute: sink('pool.execute', fail, bind),
    batch: sink('pool.batch', fail, bind),
    getConnection,
  };
  const cluster: PrototypeTable = { getConnection, of: discovered.returning({ getConnection }) };
  return {
    createConnection: style.createsConnection(connection),
    createPool: discovered.returning(pool),
    createPoolCluster: discovered.returning(cluster),
  };
}

const PROMISE_API = factoriesOf({
  fail: rejectPromise,
  failQuery: rejectPromise,
  bind: false,
  createsConnection: (table) => discovered.resolving(table),
  handsOutConnection: (table) => discovered.resolving(table),
});

const CALLBACK_API = factoriesOf({
  fail: failCallback,
  failQuery: failCommand,
  bind: true,
  createsConnection: (table) => discovered.returning(table),
  handsOutConnection: (table) => discovered.callingBack(table, bindToCaller),
});

/** The exports and, in the ESM build's interop, their `default` object. */
const defaultOf = (loaded: unknown): object | undefined => {
  const value = (loaded as { default?: unknown } | null)?.default;
  return value !== null && typeof value === 'object' ? value : undefined;
};

function apiHook(module: string, factories: PrototypeTable) {
  return declareHook({
    module,
    versions: '3.x',
    frozenExports: 'copy',
    targets: [
      { at: exportsOf, wrap: factories },
      { at: defaultOf, wrap: factories },
    ],
    also: discovered.lifecycle,
  });
}

export const mariadbHook = apiHook('mariadb', PROMISE_API);
export const mariadbCallbackHook = apiHook('mariadb/callback', CALLBACK_API);
