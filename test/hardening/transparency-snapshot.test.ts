// Driven by data: every function of the hooked builtins (and of the prototypes rampart
// patches) is snapshotted before start(). While running, each replaced function must look
// the same (name, length, own keys, util.promisify.custom, descriptor attributes) and ESM
// named exports must follow; after stop() every one must be the very function captured
// before start, in a property with the same descriptor.
/* eslint-disable @typescript-eslint/no-require-imports */
import t from 'tap';
import { start, stop } from '../../src/index';
import { attributes, isWrapped, resolve, shapeOf, snapshot, wrappedBy, type Entry } from '../fixtures/hardening-shape';

// better-sqlite3 is loaded BEFORE start() on purpose, against the usual rule: it is the
// only way to hold its true original methods. start() patches packages already loaded
// (the warning for that is covered in test/register.test.ts).
const Database = require('better-sqlite3') as typeof import('better-sqlite3');

const BUILTINS = ['fs', 'fs/promises', 'child_process', 'http', 'https', 'net', 'tls', 'http2', 'dns', 'diagnostics_channel'] as const;
const modules = Object.fromEntries(BUILTINS.map((m) => [m, require(`node:${m}`) as object]));
const http = require('node:http') as typeof import('node:http');
const https = require('node:https') as typeof import('node:https');
const net = require('node:net') as typeof import('node:net');
const tls = require('node:tls') as typeof import('node:tls');
const http2 = require('node:http2') as typeof import('node:http2');

const owners: Record<string, object> = {
  ...modules,
  'http.Server.prototype': http.Server.prototype,
  'https.Server.prototype': https.Server.prototype,
  'http.ClientRequest.prototype': http.ClientRequest.prototype,
  'net.Socket.prototype': net.Socket.prototype,
  'net.Server.prototype': net.Server.prototype,
  'tls.TLSSocket.prototype': tls.TLSSocket.prototype,
  'http2.Http2Server.prototype': Object.getPrototypeOf(http2.createServer()) as object,
  'http2.Http2SecureServer.prototype': Object.getPrototypeOf(http2.createSecureServer({})) as object,
  globalThis: { fetch: globalThis.fetch },
  'better-sqlite3.prototype': Database.prototype,
};
// Functions hang off functions too (fs.realpath.native, exec[util.promisify.custom]).
const functionOwners: Record<string, object> = {};
for (const entry of snapshot(modules)) functionOwners[entry.label] = entry.value;

// Taken before start: the truth every later state is compared with.
const before: Entry[] = [...snapshot(owners), ...snapshot(functionOwners)];
// globalThis.fetch is read from the real global, not from the copy above.
const fetchOriginal = globalThis.fetch;
const ownFunctionKeys = new Map(Object.entries(functionOwners).map(([label, fn]) => [label, Reflect.ownKeys(fn)]));

interface Namespace {
  readonly name: string;
  readonly cjs: Record<string, unknown>;
  readonly ns: Record<string, unknown>;
  readonly values: Map<string, unknown>;
}
const namespaces: Namespace[] = [];

t.before(async () => {
  for (const name of BUILTINS) {
    const ns = (await import(`node:${name}`)) as Record<string, unknown>;
    const values = new Map<string, unknown>();
    for (const key of Object.keys(ns)) if (typeof ns[key] === 'function') values.set(key, ns[key]);
    namespaces.push({ name, cjs: modules[name] as Record<string, unknown>, ns, values });
  }
});

const EXPECTED_HOOKED = [
  'fs.readFileSync', 'fs.readFile', 'fs.createReadStream', 'fs.open', 'fs.exists', 'fs.realpath', 'fs.realpathSync',
  'fs/promises.readFile', 'fs/promises.open', 'child_process.exec', 'child_process.execSync', 'child_process.spawn',
  'child_process.execFile', 'child_process.fork', 'http.request', 'http.get', 'https.request', 'https.get', 'http2.connect',
  'http.Server.prototype.emit', 'https.Server.prototype.emit', 'http.ClientRequest.prototype.onSocket', 'net.Socket.prototype.connect',
  'tls.TLSSocket.prototype.connect', 'globalThis.fetch', 'better-sqlite3.prototype.prepare', 'better-sqlite3.prototype.exec',
  'better-sqlite3.prototype.pragma',
];

t.test('while running: every replaced function keeps its shape', async (t) => {
  start({ logLevel: 'silent' });
  const current = (e: Entry) => (e.label === 'globalThis.fetch' ? globalThis.fetch : resolve(e.owner, e.key));
  const changed: string[] = [];
  for (const entry of before) {
    const now = current(entry);
    if (now === entry.value) continue;
    changed.push(entry.label);
    t.ok(isWrapped(now), `${entry.label}: replaced only by a rampart wrapper`);
    if (typeof now !== 'function') continue;
    t.same(shapeOf(now), shapeOf(entry.value), `${entry.label}: name, length, own keys, promisify.custom`);
    t.equal(wrappedBy(now), entry.value, `${entry.label}: wraps the original`);
    const ownNow = entry.label === 'globalThis.fetch' ? Object.getOwnPropertyDescriptor(globalThis, 'fetch') : Object.getOwnPropertyDescriptor(entry.owner, entry.key);
    const ownBefore = entry.label === 'globalThis.fetch' ? Object.getOwnPropertyDescriptor(globalThis, 'fetch') : entry.own;
    if (ownBefore !== undefined) t.same(attributes(ownNow), attributes(ownBefore), `${entry.label}: same property attributes`);
    // Inherited before: either a wrapper now sits on the owner (not enumerable, as the
    // inherited method was not an own key), or the owner still inherits a patched parent's.
    else if (ownNow !== undefined) t.equal(ownNow.enumerable, false, `${entry.label}: a wrapper over an inherited method is not enumerable`);
  }
  for (const label of EXPECTED_HOOKED) t.ok(changed.includes(label), `${label} is hooked (a dead hook would pass everything else)`);
  // `native` hangs off the wrapper (a copy of the original's), and is wrapped there.
  const fs = require('node:fs') as typeof import('node:fs');
  t.ok(isWrapped(fs.realpath.native) && isWrapped(fs.realpathSync.native), 'fs.realpath.native and fs.realpathSync.native are hooked');
  t.same(shapeOf(fs.realpath.native), shapeOf(before.find((e) => e.label === 'fs.realpath.native')!.value), 'fs.realpath.native keeps its shape');
  t.ok(changed.length >= 80, `${changed.length} functions hooked across ${BUILTINS.length} builtins, their prototypes and better-sqlite3`);

  // ESM named imports of builtins see the wrappers (syncBuiltinESMExports).
  let synced = 0;
  for (const { name, cjs, ns, values } of namespaces) {
    for (const key of values.keys()) {
      if (cjs[key] === values.get(key)) continue;
      synced++;
      t.equal(ns[key], cjs[key], `import { ${key} } from 'node:${name}' is the wrapper`);
    }
  }
  t.ok(synced > 50, `${synced} ESM named exports follow the wrappers`);
});

t.test('after stop: every function is the original again, with the same descriptor', async (t) => {
  stop();
  let differing = 0;
  for (const entry of before) {
    const now = entry.label === 'globalThis.fetch' ? globalThis.fetch : resolve(entry.owner, entry.key);
    if (now !== entry.value) {
      differing++;
      t.fail(`${entry.label} is not the original after stop`);
    }
    if (entry.label === 'globalThis.fetch') continue;
    const own = Object.getOwnPropertyDescriptor(entry.owner, entry.key);
    if (entry.own === undefined ? own !== undefined : own === undefined || own.value !== entry.own.value) {
      differing++;
      t.fail(`${entry.label}: own property changed (inherited wrapper left behind, or descriptor lost)`);
    } else if (entry.own !== undefined) {
      t.same(attributes(own), attributes(entry.own));
    }
  }
  t.equal(differing, 0, `all ${before.length} functions restored`);
  t.equal(globalThis.fetch, fetchOriginal, 'global fetch restored');
  for (const [label, keys] of ownFunctionKeys) t.same(Reflect.ownKeys(functionOwners[label]!), keys, `${label}: own keys untouched`);
  for (const { name, ns, values } of namespaces) {
    for (const [key, value] of values) if (ns[key] !== value) t.fail(`import { ${key} } from 'node:${name}' not restored`);
  }
  t.pass('ESM named exports restored');
});

t.test('start again after stop: hooks come back (patch/unpatch are symmetric and repeatable)', async (t) => {
  start({ logLevel: 'silent' });
  t.ok(isWrapped((require('node:fs') as Record<string, unknown>).readFileSync));
  t.ok(isWrapped(Database.prototype.prepare));
  stop();
  t.equal((require('node:fs') as Record<string, unknown>).readFileSync, before.find((e) => e.label === 'fs.readFileSync')!.value);
  t.equal(Database.prototype.prepare, before.find((e) => e.label === 'better-sqlite3.prototype.prepare')!.value);
});
