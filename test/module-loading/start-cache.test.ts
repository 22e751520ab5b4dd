// V8's code cache of the start pack (src/start-cache.ts), against a copy of the built dist/ so
// each test owns its pack and cache: the first start of a Node version writes the cache, later
// starts take every start file's code from it and run protected; a cache of another pack, a
// damaged one, one that cannot be written, and RAMPART_START_CACHE=off all start as without
// a cache.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { request } from '../helpers/http';
import { ROOT, runChild, startChildApp } from '../helpers/child';
import { packIdentity, readCacheIndex, START_CACHE_FORMAT, startCacheFile } from '../../src/start-cache';

const PROBE = join(ROOT, 'test', 'fixtures', 'start-cache-probe.js');

interface Compiled {
  file: string;
  given: boolean;
  rejected: boolean;
}

/** A copy of dist/ (with the package's node_modules beside it) and no cache in it. */
function distCopy(t: Test): string {
  const root = mkdtempSync(join(tmpdir(), 'rampart-start-cache-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dist = join(root, 'dist');
  cpSync(join(ROOT, 'dist'), dist, { recursive: true, preserveTimestamps: true, filter: (source) => !/\.cache(\.\d+\.tmp)?$/.test(source) });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return dist;
}

/** Runs `-e program` with rampart from `dist`; returns what the probe saw of its start files. */
async function start(t: Test, dist: string, env: Record<string, string> = {}, program = '0'): Promise<Compiled[]> {
  const result = await runChild(['--require', PROBE, '--require', join(dist, 'register.js'), '-e', program], { RAMPART_LOG_LEVEL: 'silent', ...env });
  t.equal(result.code, 0, result.stderr);
  const line = result.stderr.split('\n').find((l) => l.startsWith('start-cache-probe '));
  return (JSON.parse(line!.slice('start-cache-probe '.length)) as Compiled[]).filter((c) => c.file.startsWith(dist));
}

function cacheOf(dist: string): string {
  return startCacheFile(dist);
}

/**
 * Checks that every start file the cache holds came from it (given to V8 and taken), and
 * that the files compiled without it are the ones it does not hold: those the start did
 * not load, required later (the bundled-package check's markers).
 */
function allFromCache(t: Test, dist: string, compiled: Compiled[], what: string): void {
  const bytes = readFileSync(cacheOf(dist));
  const cached = readCacheIndex(bytes, bytes.length, packIdentity(statSync(join(dist, 'start-pack.txt'))));
  t.ok(cached !== null && cached.size >= 40, `${what}: the cache is of this pack and holds the start files`);
  const inCache = (c: Compiled) => cached!.has(c.file.slice(dist.length + 1));
  t.same(compiled.filter((c) => c.rejected), [], `${what}: V8 refused no cached code`);
  t.same(compiled.filter((c) => inCache(c) !== c.given).map((c) => c.file), [], `${what}: each file in the cache was given its code, the others compiled`);
  t.ok(compiled.filter((c) => c.given).length >= 40, `${what}: ${compiled.filter((c) => c.given).length} files from the cache`);
}

const ATTACK = `/?name=${encodeURIComponent("x'; DROP TABLE users; --")}`;

t.test('the first start writes the cache; later starts take every start file from it and are protected', async (t) => {
  const dist = distCopy(t);
  const first = await start(t, dist);
  t.ok(first.length >= 40, `the start compiled its files (${first.length})`);
  t.equal(first.filter((c) => c.given).length, 0, 'no cache to give V8 on the first start');
  t.ok(existsSync(cacheOf(dist)), 'the first start wrote the cache of this Node version');
  const written = statSync(cacheOf(dist));

  const second = await start(t, dist);
  t.equal(second.length, first.length, 'the same files compiled');
  allFromCache(t, dist, second, 'the second start');
  const after = statSync(cacheOf(dist));
  t.equal(after.ino, written.ino, 'a start that needed no compile writes nothing');
  t.equal(after.mtimeMs, written.mtimeMs);

  const app = await startChildApp(['--require', join(dist, 'register.js'), 'test/fixtures/sqlite-server.js']);
  t.teardown(() => app.stop());
  const benign = await request(`${app.base}/?name=alice`);
  t.equal(benign.status, 200);
  t.same(benign.json(), [{ id: 1, name: 'alice' }], 'the benign twin gets its row');
  const attack = await request(`${app.base}${ATTACK}`);
  t.equal(attack.status, 403, 'the code from the cache blocks the stacked DROP TABLE');
  t.same((await request(`${app.base}/tables`)).json(), [{ name: 'users' }], 'users table still there');
  t.equal((await request(`${app.base}/?name=bob`)).status, 200, 'the app is still up after the refusal');
});

t.test('a cache made for another pack is not used, and is replaced', async (t) => {
  const dist = distCopy(t);
  await start(t, dist);
  const old = readFileSync(cacheOf(dist));
  // A rebuild or a copy writes the pack anew (here the same bytes): its identity changes.
  const pack = join(dist, 'start-pack.txt');
  const bytes = readFileSync(pack);
  rmSync(pack);
  writeFileSync(pack, bytes);
  const compiled = await start(t, dist);
  t.equal(compiled.filter((c) => c.given).length, 0, 'nothing of the old cache given to V8');
  t.not(readFileSync(cacheOf(dist)).toString('latin1', 0, 300), old.toString('latin1', 0, 300), 'the cache was rewritten for the new pack');
  allFromCache(t, dist, await start(t, dist), 'the next start');
});

t.test('a damaged cache starts as without one, and is replaced', async (t) => {
  const dist = distCopy(t);
  await start(t, dist);
  const good = readFileSync(cacheOf(dist));
  const headerEnd = good.indexOf(0x0a, good.indexOf(0x0a) + 1) + 1;
  // Same header, every entry's bytes overwritten: V8's own check refuses each.
  const scrambled = Buffer.concat([good.subarray(0, headerEnd), Buffer.alloc(good.length - headerEnd, 0x5a)]);
  writeFileSync(cacheOf(dist), scrambled);
  const compiled = await start(t, dist);
  const given = compiled.filter((c) => c.given);
  t.ok(given.length >= 40 && given.every((c) => c.rejected), `each entry given (${given.length}) and refused by V8`);
  allFromCache(t, dist, await start(t, dist), 'rewritten, the next start');

  for (const [name, bytes] of [
    ['cut short', good.subarray(0, good.length - 1000)],
    ['no header', Buffer.from(START_CACHE_FORMAT)],
    ['a header that is not JSON', Buffer.from(`${START_CACHE_FORMAT}\n{"pack":\n`)],
  ] as const) {
    writeFileSync(cacheOf(dist), bytes);
    const started = await start(t, dist);
    t.equal(started.filter((c) => c.given).length, 0, `${name}: nothing given to V8`);
  }
});

t.test('the cache file is read only as a cache of its own pack', async (t) => {
  const entry = (files: unknown, pack = 'p1') => Buffer.from(`${START_CACHE_FORMAT}\n${JSON.stringify({ pack, files })}\nabcdef`);
  const index = (bytes: Buffer, pack = 'p1', size = bytes.length) => readCacheIndex(bytes, size, pack);
  const good = entry([['a.js', 0, 2], ['b/c.js', 2, 4]]);
  const body = good.length - 6;
  t.same([...index(good)!.entries()], [['a.js', { at: body, length: 2 }], ['b/c.js', { at: body + 2, length: 4 }]]);
  t.same(
    [...index(good)!.values()].map(({ at, length }) => good.toString('latin1', at, at + length)),
    ['ab', 'cdef'],
    'each entry points at its bytes',
  );
  t.equal(index(entry([['a.js', 0, 2]]), 'p2'), null, 'another pack');
  t.equal(index(entry([['a.js', 0, 7]])), null, 'an entry past the end');
  t.equal(index(good, 'p1', good.length - 1), null, 'a file cut short');
  t.equal(index(entry([['a.js', -1, 2]])), null, 'a negative offset');
  t.equal(index(entry([['a.js', 0, 0]])), null, 'an empty entry');
  t.equal(index(entry([['a.js', 0]])), null, 'an entry of the wrong shape');
  t.equal(index(entry({})), null, 'files that are not a list');
  t.equal(index(Buffer.from(`rampart-start-cache 0\n{}\n`)), null, 'another format');
  t.equal(index(Buffer.from(`${START_CACHE_FORMAT}\nnull\n`)), null, 'a null header');
  t.equal(index(Buffer.from(`${START_CACHE_FORMAT}\n{"pack":"p1","files":[]}`)), null, 'a header without its end of line');
});

t.test('a folder rampart cannot write to: every start compiles, and nothing is left behind', async (t) => {
  const dist = distCopy(t);
  mkdirSync(cacheOf(dist)); // the cache's name taken by a folder: the rename fails
  for (let i = 0; i < 2; i++) t.equal((await start(t, dist)).filter((c) => c.given).length, 0, `start ${i + 1} compiled its files`);
  t.same(readdirSync(dist).filter((name) => name.endsWith('.tmp')), [], 'no temporary file left');
});

t.test('RAMPART_START_CACHE=off neither reads nor writes the cache; a wrong value is refused', async (t) => {
  const dist = distCopy(t);
  await start(t, dist, { RAMPART_START_CACHE: 'off' });
  t.notOk(existsSync(cacheOf(dist)), 'nothing written');
  await start(t, dist, { RAMPART_START_CACHE: 'on' });
  t.ok(existsSync(cacheOf(dist)), 'on: written');
  t.equal((await start(t, dist, { RAMPART_START_CACHE: 'off' })).filter((c) => c.given).length, 0, 'off: the cache is not read');
  const wrong = await runChild(['--require', join(dist, 'register.js'), '-e', 'console.log("app ran")'], { RAMPART_START_CACHE: 'maybe' });
  t.not(wrong.code, 0);
  t.match(wrong.stderr, /"RAMPART_START_CACHE" is "maybe"; allowed: on, off/);
  t.notMatch(wrong.stdout, /app ran/);
});

t.test("--require and start() share one cache without rewriting it in turn", async (t) => {
  const dist = distCopy(t);
  const programmatic = `require(${JSON.stringify(join(dist, 'index.js'))}).start()`;
  const viaStart = async () => {
    const result = await runChild(['--require', PROBE, '-e', programmatic], { RAMPART_LOG_LEVEL: 'silent' });
    t.equal(result.code, 0, result.stderr);
    const line = result.stderr.split('\n').find((l) => l.startsWith('start-cache-probe '));
    return (JSON.parse(line!.slice('start-cache-probe '.length)) as Compiled[]).filter((c) => c.file.startsWith(dist));
  };
  await start(t, dist);
  await viaStart();
  const settled = statSync(cacheOf(dist)).mtimeMs;
  allFromCache(t, dist, await start(t, dist), '--require');
  allFromCache(t, dist, await viaStart(), 'start()');
  t.equal(statSync(cacheOf(dist)).mtimeMs, settled, 'neither rewrote it');
});

t.test('a cache whose header is longer than the first read is read whole', async (t) => {
  const dist = distCopy(t);
  await start(t, dist);
  const bytes = readFileSync(cacheOf(dist));
  const formatEnd = bytes.indexOf(0x0a);
  const headerEnd = bytes.indexOf(0x0a, formatEnd + 1);
  const header = JSON.parse(bytes.toString('utf8', formatEnd + 1, headerEnd)) as { pack: string; files: Array<[string, number, number]> };
  // Files of a bigger pack: 2,000 more entries (about 59 KB of header, past the loader's first
  // two reads of 8 and 32 KB), each naming real bytes.
  const [, at, length] = header.files[0]!;
  for (let i = 0; i < 2000; i++) header.files.push([`more/file-${i}.js`, at, length]);
  const longer = Buffer.from(JSON.stringify(header));
  t.ok(longer.length > 32_768, `the header is ${longer.length} bytes`);
  writeFileSync(cacheOf(dist), Buffer.concat([bytes.subarray(0, formatEnd + 1), longer, bytes.subarray(headerEnd)]));
  const compiled = await start(t, dist);
  t.ok(compiled.filter((c) => c.given && !c.rejected).length >= 40, 'every start file still had its code from the cache');
  t.same(compiled.filter((c) => c.rejected), [], 'none refused');
});
