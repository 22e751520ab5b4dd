// Writes dist/start-pack.txt (src/start-pack.ts): the sources of the files rampart runs at
// start-up, so a start reads one file instead of resolving and reading each. Run by
// `npm run build` after tsc; `--remove` (run before tsc) deletes the previous pack, so a
// failed build can never leave a pack of older sources beside newer files.
//
// The start files are the ones a real start loads, read from require.cache of child
// processes that start rampart each documented way (--require, require('rampart').start(),
// the ESM preload's files are the --require ones), from an empty folder and without any
// RAMPART_* setting, so nothing local changes what loads. Files loaded later (detectors,
// package hooks, pino, the OpenTelemetry bridge) stay separate: they load at first use.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, relative, resolve, sep } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const packPath = join(dist, 'start-pack.txt');

/** Removes the pack's code caches (src/start-cache.ts): a new pack makes them stale. */
function removeCodeCaches() {
  if (!existsSync(dist)) return;
  for (const name of readdirSync(dist)) if (/^start-pack-.*\.cache(\.\d+\.tmp)?$/.test(name)) rmSync(join(dist, name), { force: true });
}

if (process.argv.includes('--remove')) {
  rmSync(packPath, { force: true });
  removeCodeCaches();
  process.exit(0);
}

const { START_PACK_FILE, START_PACK_FORMAT } = require(join(dist, 'start-pack.js'));
if (join(dist, START_PACK_FILE) !== packPath) throw new Error(`start pack file name changed to ${START_PACK_FILE}; update this script`);
rmSync(packPath, { force: true });

// Files loaded by Node itself, not through the pack: the entries and the loader.
const ENTRIES = new Set(['register.js', 'index.js', 'start-pack.js', 'start-cache.js']);
// Written a moment after start: the bundled-package check (bundlers/inlined-check.ts) runs
// on a timer right after start in every process, and its files belong in the pack too.
const DUMP = `setTimeout(() => require('node:fs').writeSync(2, '\\nstart-files ' + JSON.stringify(Object.keys(require.cache)) + '\\n'), 100)`;

function startFiles(args) {
  const cwd = mkdtempSync(join(tmpdir(), 'rampart-start-pack-'));
  try {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RAMPART_') && k !== 'NODE_OPTIONS'));
    const result = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8' });
    const line = result.stderr.split('\n').find((l) => l.startsWith('start-files '));
    if (result.status !== 0 || line === undefined) throw new Error(`start-up run failed (${args.join(' ')}): ${result.stderr}`);
    return JSON.parse(line.slice('start-files '.length))
      .filter((file) => file.startsWith(dist + sep))
      .map((file) => relative(dist, file).split(sep).join('/'));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const keys = [
  ...new Set([
    ...startFiles(['-r', join(dist, 'register.js'), '-e', DUMP]),
    ...startFiles(['-e', `require(${JSON.stringify(join(dist, 'index.js'))}).start(); ${DUMP}`]),
  ]),
]
  .filter((key) => !ENTRIES.has(key))
  .sort();

/** The packed file a relative request of `from` names, or undefined. */
function packedTarget(from, request, packed) {
  const base = resolve(dist, dirname(from), request);
  for (const candidate of [base, `${base}.js`, join(base, 'index.js')]) {
    const key = relative(dist, candidate).split(sep).join('/');
    if (packed.has(key) && existsSync(candidate)) return key;
  }
  return undefined;
}

const packed = new Set(keys);
const header = [];
const sources = [];
let offset = 0;
for (const key of keys) {
  const source = readFileSync(join(dist, key), 'utf8');
  const deps = {};
  // tsc's CommonJS output spells imports require("./x"); a require in the source keeps its quotes.
  for (const [, , request] of source.matchAll(/\brequire\((["'])(\.{1,2}\/[^"']+)\1\)/g)) {
    const target = packedTarget(key, request, packed);
    if (target !== undefined) deps[request] = target;
  }
  const bytes = Buffer.from(source, 'utf8');
  header.push([key, offset, bytes.length, deps]);
  sources.push(bytes);
  offset += bytes.length;
}
writeFileSync(packPath, Buffer.concat([Buffer.from(`${START_PACK_FORMAT}\n${JSON.stringify(header)}\n`, 'utf8'), ...sources]));
console.log(`start pack: ${keys.length} files, ${offset} bytes`);
