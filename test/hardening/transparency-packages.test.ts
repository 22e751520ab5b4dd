// Every package hook, driven by data: the packages are loaded after start() (as an app
// does), every wrapped function is found on their exports and prototypes and compared
// with the original it wraps (name, length, own keys, util.promisify.custom); after
// stop() each one is that original again and no wrapper is left anywhere.
// mariadb is not in the list: its bundle exports non-configurable getters, so the hook
// hands out replacement exports that stay with the app after stop (and go inert).
/* eslint-disable @typescript-eslint/no-require-imports */
import { join } from 'node:path';
import t from 'tap';
import { start, stop } from '../../src/index';
import { isWrapped, resolve, shapeOf, snapshot, wrappedBy, type Entry } from '../fixtures/hardening-shape';

start({ logLevel: 'silent' });
t.teardown(stop);

const MODULES = join(__dirname, '..', '..', 'node_modules');
// Internal files not listed in a package's "exports" are reached by path: the same file,
// so the same module instance the package itself uses.
const internal = (file: string) => require(join(MODULES, file)) as Record<string, any>;

require('mysql2');
require('postgres');
const pg = require('pg');
const sqlite3 = require('sqlite3');
const undici = require('undici');
const hono = require('hono');
const ws = require('ws');
const Koa = require('koa');
const honoRequest = Object.getPrototypeOf(new hono.Context(new Request('http://localhost/')).req) as object;

/** Package -> objects whose functions (own and inherited) are snapshotted. */
const PACKAGES: Record<string, Record<string, object>> = {
  'better-sqlite3': { 'Database.prototype': require('better-sqlite3').prototype },
  pg: { 'Client.prototype': pg.Client.prototype, 'Pool.prototype': require('pg-pool').prototype },
  mysql2: { 'Connection.prototype': internal('mysql2/lib/base/connection.js').prototype, 'Pool.prototype': internal('mysql2/lib/base/pool.js').prototype },
  mysql: { 'Connection.prototype': require('mysql/lib/Connection').prototype, 'Pool.prototype': require('mysql/lib/Pool').prototype },
  sqlite3: { 'Database.prototype': sqlite3.Database.prototype, 'Statement.prototype': sqlite3.Statement.prototype },
  postgres: { 'Query.prototype': internal('postgres/cjs/src/query.js').Query.prototype },
  undici: { exports: undici, 'Dispatcher.prototype': undici.Dispatcher.prototype },
  graphql: { execute: require('graphql/execution/execute') },
  'fast-xml-parser': { 'XMLParser.prototype': require('fast-xml-parser').XMLParser.prototype },
  hono: { 'HonoRequest.prototype': honoRequest },
  koa: { 'Application.prototype': Koa.prototype },
  ws: { 'WebSocket.prototype': ws.prototype, 'WebSocketServer.prototype': ws.WebSocketServer.prototype },
};

interface Hooked {
  readonly pkg: string;
  readonly entry: Entry;
  readonly original: Function;
  readonly inherited: boolean;
}
const hooked: Hooked[] = [];
const everything: Array<{ pkg: string; entries: Entry[] }> = [];

/** The wrapper sits in an own slot over a method the owner inherits from its prototype chain. */
const inheritsOriginal = (entry: Entry, original: Function): boolean =>
  entry.own !== undefined && resolve(Object.getPrototypeOf(entry.owner) as object, entry.key) === original;

t.test('while running: each package has its hooks, each wrapper has its original shape', async (t) => {
  for (const [pkg, owners] of Object.entries(PACKAGES)) {
    const entries = snapshot(Object.fromEntries(Object.entries(owners).map(([k, v]) => [`${pkg}:${k}`, v])));
    everything.push({ pkg, entries });
    const wrapped = entries.filter((e) => isWrapped(e.value));
    t.ok(wrapped.length > 0, `${pkg}: ${wrapped.length} hooked (${wrapped.map((e) => e.label.split(':')[1]).join(', ')})`);
    for (const entry of wrapped) {
      const original = wrappedBy(entry.value) as Function;
      t.type(original, 'function', `${entry.label}: original kept`);
      t.same(shapeOf(entry.value), shapeOf(original), `${entry.label}: same name, length, own keys, promisify.custom`);
      t.equal(Object.getPrototypeOf(entry.value), Object.getPrototypeOf(original), `${entry.label}: same [[Prototype]] (an async method stays an AsyncFunction)`);
      hooked.push({ pkg, entry, original, inherited: inheritsOriginal(entry, original) });
    }
  }
});

t.test('after stop: every original is back, no wrapper left, inherited slots emptied', async (t) => {
  stop();
  for (const { entry, original, inherited } of hooked) {
    t.equal(resolve(entry.owner, entry.key), original, `${entry.label} restored`);
    if (inherited) t.equal(Object.getOwnPropertyDescriptor(entry.owner, entry.key), undefined, `${entry.label}: the own slot added over an inherited method is gone`);
  }
  for (const { pkg, entries } of everything) {
    const left = entries.filter((e) => isWrapped(resolve(e.owner, e.key)));
    t.same(left.map((e) => e.label), [], `${pkg}: no wrapper left`);
  }
});
