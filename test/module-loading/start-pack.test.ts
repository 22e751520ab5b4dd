// The start pack (src/start-pack.ts): rampart's start files come from one file, as the same
// modules Node would have loaded (one instance each, in require.cache, under their real
// file names), and without a usable pack everything loads from disk.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import t, { type Test } from 'tap';
import { ROOT, runChild } from '../helpers/child';
import { parseStartPack, requireStartFile, START_PACK_FILE, START_PACK_FORMAT } from '../../src/start-pack';
import { startCacheFile } from '../../src/start-cache';

const DIST = join(ROOT, 'dist');

interface Probe {
  loadedByNode: string[];
  cached: string[];
  allCachedLoaded: boolean;
  unlikeNode: string[];
  modeSeenByApp: string | undefined;
  stackFrameFile: string | undefined;
}

async function probe(t: Test, preload: string[]): Promise<Probe> {
  const result = await runChild(['--require', './test/fixtures/start-pack-probe.js', ...preload, 'test/fixtures/start-pack-app.js']);
  t.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stderr.trim().split('\n').pop()!) as Probe;
}

function packedKeys(): string[] {
  return [...parseStartPack(readFileSync(join(DIST, START_PACK_FILE)))!.keys()];
}

for (const [name, preload, entries] of [
  ['--require rampart/register', ['--require', 'rampart/register'], ['register.js', 'start-pack.js', 'start-cache.js']],
  ['--import rampart/register', ['--import', 'rampart/register'], ['start-pack.js', 'start-cache.js']],
] as const) {
  t.test(`${name}: the start files come from the pack, one instance each, under their own names`, async (t) => {
    const seen = await probe(t, [...preload]);
    const fromDisk = seen.loadedByNode.filter((file) => !file.endsWith('.mjs'));
    t.same(
      fromDisk.filter((file) => !(entries as readonly string[]).includes(file)),
      [],
      'Node loaded no start file itself but the entry and the pack loader',
    );
    const packed = packedKeys();
    t.ok(packed.length >= 40, `the pack holds the start files (${packed.length})`);
    for (const key of ['agent.js', 'hooks/wrap.js', 'hooks/instrument.js', 'config/load.js', 'state.js']) t.ok(seen.cached.includes(key), `${key} ran`);
    t.ok(seen.allCachedLoaded, 'every cached file of rampart is marked loaded');
    t.same(seen.unlikeNode, [], 'each packed module has the id, path, filename and lookup paths Node would give it');
    t.equal(seen.modeSeenByApp, 'block', "the app's own require of state.js gets the instance the agent started");
    t.equal(seen.stackFrameFile, join(DIST, 'config', 'validate.js'), 'a packed file keeps its real file name in stack traces');
  });
}

t.test('require("rampart").start() takes the agent from the pack', async (t) => {
  const result = await runChild([
    '--require',
    './test/fixtures/start-pack-probe.js',
    '-e',
    `require('rampart').start(); const r = ${JSON.stringify(DIST + sep)}; process.stderr.write(JSON.stringify(globalThis.startPackProbe.filter((f) => f.startsWith(r)).map((f) => f.slice(r.length)).sort()) + '\\n')`,
  ]);
  t.equal(result.code, 0, result.stderr);
  const loadedByNode = JSON.parse(result.stderr.trim().split('\n').pop()!) as string[];
  t.notOk(loadedByNode.includes('agent.js'), 'the agent did not go through Node’s loader');
  t.ok(loadedByNode.includes('index.js'), 'the entry did');
  t.ok(loadedByNode.length <= 12, `only the entry and the small files its exports name (${loadedByNode.join(', ')})`);
});

t.test('the pack holds the current sources of dist/', async (t) => {
  const files = parseStartPack(readFileSync(join(DIST, START_PACK_FILE)))!;
  t.ok(files !== null);
  for (const [key, file] of files) t.equal(file.source, readFileSync(join(DIST, key), 'utf8'), `${key} is as built`);
  for (const [key, file] of files) for (const target of Object.values(file.deps)) t.ok(files.has(target), `${key}: ${target} is packed`);
});

t.test('a pack that is not one this code reads is ignored (every file then loads from disk)', async (t) => {
  const good = Buffer.from(`${START_PACK_FORMAT}\n${JSON.stringify([['a.js', 0, 3, {}], ['b/c.js', 3, 6, { '../a': 'a.js' }]])}\nabcdé・`);
  const parsed = parseStartPack(good)!;
  t.same([...parsed.keys()], ['a.js', 'b/c.js']);
  t.equal(parsed.get('a.js')!.source, 'abc', 'an ASCII source');
  t.equal(parsed.get('b/c.js')!.source, 'dé・', 'a UTF-8 source, its length in bytes');
  t.same(parsed.get('b/c.js')!.deps, { '../a': 'a.js' });
  const packDir = join(tmpdir(), 'pack-folder');
  t.equal(parseStartPack(good, packDir)!.get('b/c.js')!.filename, join(packDir, 'b', 'c.js'), 'its file name: the key under the folder of the pack');
  const text = good.toString('utf8');
  for (const [why, bad] of [
    ['empty', ''],
    ['another format', text.replace(START_PACK_FORMAT, 'rampart-start-pack 1')],
    ['no header line', START_PACK_FORMAT],
    ['a header that is not JSON', `${START_PACK_FORMAT}\n[[\nabc`],
    ['a header that is not a list', `${START_PACK_FORMAT}\n{}\nabc`],
    ['an entry of the wrong shape', `${START_PACK_FORMAT}\n[["a.js", 0]]\nabc`],
    ['a source past the end (a cut file)', `${START_PACK_FORMAT}\n[["a.js", 0, 9, {}]]\nabc`],
    ['a negative offset', `${START_PACK_FORMAT}\n[["a.js", -1, 1, {}]]\nabc`],
    ['a negative length', `${START_PACK_FORMAT}\n[["a.js", 1, -1, {}]]\nabc`],
    ['deps that are not an object', `${START_PACK_FORMAT}\n[["a.js", 0, 1, null]]\nabc`],
    // Keys are joined to dist/ by concatenation: one that climbs or is absolute is refused.
    ['a key that climbs out of dist/', `${START_PACK_FORMAT}\n[["../a.js", 0, 1, {}]]\nabc`],
    ['a key that climbs in its middle', `${START_PACK_FORMAT}\n[["b/../../a.js", 0, 1, {}]]\nabc`],
    ['an absolute key', `${START_PACK_FORMAT}\n[["/etc/a.js", 0, 1, {}]]\nabc`],
    ['a key with an empty segment', `${START_PACK_FORMAT}\n[["b//a.js", 0, 1, {}]]\nabc`],
    ['a key that is not a .js file', `${START_PACK_FORMAT}\n[["a.json", 0, 1, {}]]\nabc`],
  ] as const) {
    t.equal(parseStartPack(Buffer.from(bad)), null, why);
  }
});

/** The time npm gives every file it installs from a package. */
const NPM_FILE_TIME = new Date('1985-10-26T08:15:00Z');

/** A copy of the built loader in a folder of its own, with `files` beside it. */
function loaderCopy(t: Test, files: Record<string, string>): { requireStartFile: typeof requireStartFile; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-start-pack-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const loader of ['start-pack.js', 'start-cache.js']) copyFileSync(join(DIST, loader), join(dir, loader));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
    utimesSync(join(dir, name), NPM_FILE_TIME, NPM_FILE_TIME); // as npm installs a package: one time for all
  }
  return { requireStartFile: (require(join(dir, 'start-pack.js')) as { requireStartFile: typeof requireStartFile }).requireStartFile, dir };
}

function packText(files: Record<string, [source: string, deps: Record<string, string>]>): string {
  let body = '';
  const header = Object.entries(files).map(([key, [source, deps]]) => {
    const entry = [key, Buffer.byteLength(body), Buffer.byteLength(source), deps];
    body += source;
    return entry;
  });
  return `${START_PACK_FORMAT}\n${JSON.stringify(header)}\n${body}`;
}

t.test('without a pack, or with one it cannot read, callers are told to require from disk', async (t) => {
  t.equal(loaderCopy(t, {}).requireStartFile('agent.js', module), undefined, 'no pack');
  t.equal(loaderCopy(t, { [START_PACK_FILE]: `${START_PACK_FORMAT}\n[[` }).requireStartFile('agent.js', module), undefined, 'a cut pack');
  const { requireStartFile: fromPack } = loaderCopy(t, { [START_PACK_FILE]: packText({ 'a.js': ['module.exports = 1;', {}] }) });
  t.equal(fromPack('b.js', module), undefined, 'a file the pack does not hold');
});

const SHARED = "globalThis.startPackRuns = (globalThis.startPackRuns ?? 0) + 1; exports.stack = new Error().stack; exports.text = 'ＬＯＣＡＬ';";
const MAIN = "exports.shared = require('./lib/shared'); exports.disk = require('./on-disk'); exports.builtin = require('node:path').sep; exports.file = __filename;";

t.test('a packed file runs once, under its own name, its packed requests from the pack and the rest from disk', async (t) => {
  const { requireStartFile: fromPack, dir } = loaderCopy(t, {
    [START_PACK_FILE]: packText({ 'main.js': [MAIN, { './lib/shared': 'lib/shared.js' }], 'lib/shared.js': [SHARED, {}], 'broken.js': ["throw new Error('broken at start');", {}] }),
    'main.js': MAIN,
    'lib/shared.js': SHARED,
    'broken.js': "throw new Error('broken at start');",
    'on-disk.js': "exports.shared = require('./lib/shared');",
  });
  const main = fromPack('main.js', module) as { shared: { stack: string; text: string }; disk: { shared: unknown }; builtin: string; file: string };
  t.equal(main.file, join(dir, 'main.js'), '__filename is the real file name');
  t.match(main.shared.stack, `${join(dir, 'lib', 'shared.js')}:1:`, 'stack frames name the real file');
  t.equal(main.shared.text, 'ＬＯＣＡＬ', 'a non-ASCII source reads as written');
  t.equal(main.disk.shared, main.shared, 'a file loaded from disk that requires a packed one gets the same instance');
  t.equal(main.builtin, sep);
  t.equal(fromPack('main.js', module), main, 'a second request returns the cached exports');
  t.equal((globalThis as { startPackRuns?: number }).startPackRuns, 1, 'the shared file ran once');
  t.equal(require.cache[join(dir, 'lib', 'shared.js')]?.loaded, true, 'in require.cache, marked loaded');
  t.throws(() => fromPack('broken.js', module), /broken at start/, "a start file's error reaches the caller");
  t.equal(require.cache[join(dir, 'broken.js')], undefined, 'and leaves no half-loaded module in the cache');
});

t.test('a packed file changed on disk after the pack was written runs from disk (patch-package, tsc --watch)', async (t) => {
  const packed = "exports.from = 'pack';";
  const { requireStartFile: fromPack, dir } = loaderCopy(t, {
    [START_PACK_FILE]: packText({ 'edited.js': [packed, {}], 'touched.js': [packed, {}], 'main.js': ["exports.dep = require('./dep');", { './dep': 'dep.js' }], 'dep.js': [packed, {}] }),
    'edited.js': packed,
    'touched.js': packed,
    'main.js': "exports.dep = require('./dep');",
    'dep.js': packed,
  });
  writeFileSync(join(dir, 'edited.js'), "exports.from = 'the patched file';");
  writeFileSync(join(dir, 'touched.js'), "exports.from = 'disk';"); // same length, written later
  writeFileSync(join(dir, 'dep.js'), "exports.from = 'patched dep';");
  t.equal(fromPack('edited.js', module), undefined, 'another length: the caller requires the file');
  t.equal(fromPack('touched.js', module), undefined, 'the same length, written after the pack: the caller requires the file');
  t.same(fromPack('main.js', module), { dep: { from: 'patched dep' } }, "a packed file's request of a changed file gets the file on disk");
});

t.test('installed from the package tarball, rampart takes its start files from the pack', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-installed-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // npm pack writes every file with npm's fixed time, which extracting keeps, as npm install does.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'ignore' });
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
  const installed = join(dir, 'node_modules', 'rampart');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', installed, '--strip-components=1']);
  // The checkout's dist/ holds code caches written by earlier starts: none goes into the package.
  t.same(readdirSync(join(installed, 'dist')).filter((name) => name.includes('.cache')), [], 'the tarball holds no code cache');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies)) symlinkSync(join(ROOT, 'node_modules', dep), join(dir, 'node_modules', dep), 'dir');
  writeFileSync(
    join(dir, 'app.js'),
    `const dist = require('node:path').join(__dirname, 'node_modules', 'rampart', 'dist') + '/';
process.stdout.write(JSON.stringify(globalThis.startPackProbe.filter((f) => f.startsWith(dist)).map((f) => f.slice(dist.length))));`,
  );
  const result = await runChild(['--require', join(ROOT, 'test', 'fixtures', 'start-pack-probe.js'), '--require', 'rampart/register', 'app.js'], {}, dir);
  t.equal(result.code, 0, result.stderr);
  t.same(JSON.parse(result.stdout.trim().split('\n').pop()!), ['register.js', 'start-pack.js', 'start-cache.js'], 'Node loaded only the entry and the pack loaders');
  t.ok(existsSync(startCacheFile(join(installed, 'dist'))), "the installed copy's first start wrote its code cache in its own dist/");
});
