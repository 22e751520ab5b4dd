// fs and fs/promises behave exactly as without rampart when no attack happens, while the
// guard really checks every call (user input is present): the originals, captured before
// start(), and the wrappers are called side by side and must be indistinguishable.
/* eslint-disable @typescript-eslint/no-require-imports */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { start, stop, withInput } from '../../src/index';
import { firstAppFrame } from '../fixtures/hardening-shape';
import { captureMetrics } from '../fixtures/hardening-telemetry';

const fs = require('node:fs') as typeof import('node:fs');
const fsp = require('node:fs/promises') as typeof import('node:fs/promises');
// The originals, before start() replaces them.
const original = {
  readFileSync: fs.readFileSync,
  readFile: fs.readFile,
  statSync: fs.statSync,
  readdirSync: fs.readdirSync,
  existsSync: fs.existsSync,
  exists: fs.exists,
  createReadStream: fs.createReadStream,
  promisesReadFile: fsp.readFile,
  promisesOpen: fsp.open,
};

const metrics = captureMetrics();
start({ logLevel: 'silent' });
t.teardown(stop);

const RAMPART_DIRS = [join(__dirname, '..', '..', 'src') + '/', join(__dirname, '..', '..', 'dist') + '/'];
const dir = mkdtempSync(join(tmpdir(), 'rampart-transparency-fs-'));
const file = join(dir, 'report.txt');
const missing = join(dir, 'missing.txt');
writeFileSync(file, 'quarterly numbers\n');

/**
 * A unit of work whose input has a `..` segment, so every call here is really checked
 * (inputs that cannot affect a path skip the guard), though no path used here holds it.
 */
const benign = <T>(fn: () => T): T => withInput({ source: 'query', name: 'file', value: 'drafts/../report.txt' }, fn);

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

/** Everything an app could branch on in an fs error. */
function errorFacts(error: Error): Record<string, unknown> {
  const e = error as NodeJS.ErrnoException;
  return { class: e.constructor.name, name: e.name, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, message: e.message };
}

t.test('sync calls: same values and types', async (t) => {
  const checksBefore = await metrics.sum('rampart.checks', { 'rampart.sink.kind': 'fs' });
  benign(() => {
    t.same(fs.readFileSync(file), original.readFileSync(file), 'Buffer contents');
    t.ok(Buffer.isBuffer(fs.readFileSync(file)));
    t.equal(fs.readFileSync(file, 'utf8'), original.readFileSync(file, 'utf8'));
    const stat = fs.statSync(file);
    t.ok(stat instanceof fs.Stats);
    t.equal(stat.size, original.statSync(file).size);
    t.same(fs.readdirSync(dir), original.readdirSync(dir));
    t.equal(fs.existsSync(file), true);
    t.equal(fs.existsSync(missing), original.existsSync(missing));
    t.equal(fs.statSync(missing, { throwIfNoEntry: false }), undefined, 'options still honoured');
    // `this` is passed through: a detached or re-bound call works as it does in Node.
    const { readFileSync } = fs;
    t.equal(readFileSync(file, 'utf8'), 'quarterly numbers\n');
    t.equal(readFileSync.call({ not: 'fs' }, file, 'utf8'), 'quarterly numbers\n');
  });
  t.ok((await metrics.sum('rampart.checks', { 'rampart.sink.kind': 'fs' })) > checksBefore, 'the guard ran a detector on these calls');
});

t.test('sync throws: same class, code, message; the app is the first frame outside Node and rampart', async (t) => {
  benign(() => {
    const mine = thrown(() => fs.readFileSync(missing));
    const theirs = thrown(() => original.readFileSync(missing));
    t.same(errorFacts(mine), errorFacts(theirs));
    t.match(firstAppFrame(mine, RAMPART_DIRS), /transparency-fs\.test\.ts/, 'first frame past Node and rampart is this file');
    const badArg = thrown(() => fs.readFileSync({} as string));
    t.same(errorFacts(badArg), errorFacts(thrown(() => original.readFileSync({} as string))), 'argument validation errors too');
    t.equal((badArg as NodeJS.ErrnoException).code, 'ERR_INVALID_ARG_TYPE');
    t.match(firstAppFrame(badArg, RAMPART_DIRS), /transparency-fs\.test\.ts/);
  });
});

t.test('callbacks: asynchronous, same arguments, same errors', async (t) => {
  const call = (fn: typeof fs.readFile, path: string) =>
    new Promise<{ sync: boolean; args: unknown[]; returned: unknown }>((resolve) => {
      let sync = true;
      const returned = benign(() => fn(path, 'utf8', (...args: unknown[]) => resolve({ sync, args, returned })));
      sync = false;
      void returned;
    });
  const [mine, theirs] = await Promise.all([call(fs.readFile, file), call(original.readFile, file)]);
  t.same(mine, theirs);
  t.equal(mine.sync, false, 'callback never runs synchronously');
  const [e1, e2] = await Promise.all([call(fs.readFile, missing), call(original.readFile, missing)]);
  t.same(errorFacts(e1.args[0] as Error), errorFacts(e2.args[0] as Error));
  t.equal(e1.args.length, e2.args.length);
  t.equal(benign(() => fs.readFile(file, () => {})), undefined, 'returns undefined like Node');
});

t.test('promises: same values, same rejections, real Promise instances', async (t) => {
  await benign(async () => {
    const p = fsp.readFile(file, 'utf8');
    t.equal(Object.getPrototypeOf(p), Promise.prototype);
    t.equal(await p, await original.promisesReadFile(file, 'utf8'));
    const [mine, theirs] = await Promise.all([fsp.readFile(missing).catch((e: Error) => e), original.promisesReadFile(missing).catch((e: Error) => e)]);
    t.same(errorFacts(mine as Error), errorFacts(theirs as Error));
    const handle = await fsp.open(file, 'r');
    t.equal(handle.constructor.name, (await original.promisesOpen(file, 'r').then(async (h) => (await h.close(), h))).constructor.name, 'a FileHandle');
    t.equal((await handle.read(Buffer.alloc(9), 0, 9, 0)).bytesRead, 9);
    await handle.close();
  });
});

t.test('streams: same events in the same order', async (t) => {
  const events = (make: typeof fs.createReadStream, path: string) =>
    new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      const stream = benign(() => make(path, { encoding: 'utf8' }));
      t.ok(stream instanceof fs.ReadStream, 'a real ReadStream');
      for (const name of ['open', 'ready', 'data', 'end', 'error', 'close']) {
        stream.on(name, (arg: unknown) => {
          seen.push(name === 'error' ? `error:${(arg as NodeJS.ErrnoException).code}` : name);
          if (name === 'close') resolve(seen);
        });
      }
    });
  t.same(await events(fs.createReadStream, file), await events(original.createReadStream, file));
  t.same(await events(fs.createReadStream, missing), await events(original.createReadStream, missing));
  t.same(await events(fs.createReadStream, missing), ['error:ENOENT', 'close']);
});

t.test('util.promisify.custom: exists promisifies to a boolean, as in Node', async (t) => {
  await benign(async () => {
    t.equal(typeof (fs.exists as unknown as Record<symbol, unknown>)[promisify.custom], typeof (original.exists as unknown as Record<symbol, unknown>)[promisify.custom]);
    t.equal(await promisify(fs.exists)(file), await promisify(original.exists)(file));
    t.equal(await promisify(fs.exists)(missing), false);
    t.equal(await promisify(fs.readFile)(file, 'utf8'), 'quarterly numbers\n');
  });
});
