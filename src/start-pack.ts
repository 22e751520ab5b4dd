// The start pack: the files rampart runs at start-up, read from one file (docs/performance.md,
// "Start-up"). Loading a file through Node's CommonJS loader costs far more than compiling
// it: resolving the request (stat, realpath), then walking up from the file's folder looking
// for a package.json at every level, then reading it. For rampart's start files (about 80
// then), the pack cut about a quarter of the instructions rampart added to `node -e 0`.
// `npm run build` writes the pack
// (scripts/write-start-pack.js): the start files' sources, and for each the requests of its
// own that name another packed file.
//
// A packed file is compiled under its real file name and run as Node runs a module (the
// same wrapper arguments, a `require` with `resolve`, `main`, `cache` and `extensions`), so
// stack traces, `__dirname`, `require.cache` and every tool that wraps require see what they
// would see without the pack. It is compiled with V8's code cache (src/start-cache.ts), not
// by Module#_compile, which takes none on Node 20: a tool that wraps _compile does not see
// rampart's start files, as it already did not see the resolve and read steps. It goes into
// require.cache before it runs (as Node does), and the cache is read first, so a file loaded
// from disk earlier (or later, by a lazily loaded detector's `require('../state')`) is the
// same instance. Without the pack (running from src/, a bundled copy, a pack that does not
// parse) callers fall back to a plain require.
import Module from 'node:module';
import { isAscii } from 'node:buffer';
import { readFileSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { packIdentity, StartCache, startCacheFile } from './start-cache';

/** The pack's file name, beside this file in dist/. */
export const START_PACK_FILE = 'start-pack.txt';
/**
 * First line of the pack. The second is the header, JSON: one [key (path under dist/), byte
 * offset in the body, byte length, deps] per file. The body, the sources, follows.
 */
export const START_PACK_FORMAT = 'rampart-start-pack 2';
const NEWLINE = 0x0a;
/** Characters a key's segments may hold: `hooks/sinks/fs/index.js`. */
const KEY_SEGMENT = /^[\w.-]+$/;

/**
 * Whether a key is a plain relative path of a .js file under dist/: each name is joined to
 * dist/ by concatenation (path.join's normalizing made a visible part of the start), so a
 * key that is absolute, climbs with `..` or has empty or `.` segments refuses the pack.
 */
function isPlainKey(key: string): boolean {
  if (!key.endsWith('.js')) return false;
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..' || !KEY_SEGMENT.test(segment)) return false;
  }
  return true;
}

interface PackedFile {
  /** The file's absolute name: dist/ joined with its key. */
  readonly filename: string;
  /** Its folder, made with the name rather than by a path.dirname per file at start. */
  readonly folder: string;
  /** Emptied once the file has run: V8 keeps its own copy for the functions it compiles later. */
  source: string;
  /** The source's length in bytes, as the file on disk must be for the pack to stand in for it. */
  readonly bytes: number;
  /** Requests of this file (`./x`, `../y/z`) that name a packed file, to its key. */
  readonly deps: Readonly<Record<string, string>>;
}

interface LoaderModule {
  filename: string;
  paths: string[];
  loaded: boolean;
  exports: unknown;
  require(this: LoaderModule, id: string): unknown;
}

interface ModuleInternals {
  new (id: string, parent?: unknown): LoaderModule;
  _nodeModulePaths(from: string): string[];
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: unknown): string[] | null;
  _extensions: unknown;
  _cache: unknown;
  prototype: LoaderModule;
}

const NodeModule = Module as unknown as ModuleInternals;

/** undefined: not read yet; null: no usable pack (every caller then requires from disk). */
let pack: Pack | null | undefined;

/**
 * Parses a pack; null when it is not a pack this code can read. Offsets count bytes: each
 * source is decoded on its own, as latin1 when it is ASCII (a copy, where decoding UTF-8
 * would make the whole text a two-byte string: 2.5x slower to read here), as UTF-8 otherwise.
 */
export function parseStartPack(bytes: Buffer, dir: string = __dirname): ReadonlyMap<string, PackedFile> | null {
  const formatEnd = bytes.indexOf(NEWLINE);
  const headerEnd = formatEnd < 0 ? -1 : bytes.indexOf(NEWLINE, formatEnd + 1);
  if (headerEnd < 0 || bytes.toString('latin1', 0, formatEnd) !== START_PACK_FORMAT) return null;
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8', formatEnd + 1, headerEnd));
  } catch {
    return null;
  }
  if (!Array.isArray(header)) return null;
  const body = headerEnd + 1;
  const files = new Map<string, PackedFile>();
  for (const entry of header as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 4) return null;
    const [key, start, length, deps] = entry as unknown[];
    if (typeof key !== 'string' || !isPlainKey(key) || !Number.isInteger(start) || !Number.isInteger(length) || typeof deps !== 'object' || deps === null) return null;
    const from = body + (start as number);
    const to = from + (length as number);
    if ((start as number) < 0 || (length as number) < 0 || to > bytes.length) return null;
    const encoding = isAscii(bytes.subarray(from, to)) ? 'latin1' : 'utf8';
    const relative = sep === '/' ? key : key.replaceAll('/', sep);
    const filename = dir + sep + relative;
    const slash = relative.lastIndexOf(sep);
    const folder = slash === -1 ? dir : dir + sep + relative.slice(0, slash);
    files.set(key, { filename, folder, source: bytes.toString(encoding, from, to), bytes: length as number, deps: deps as Record<string, string> });
  }
  return files;
}

interface Pack {
  readonly files: ReadonlyMap<string, PackedFile>;
  readonly writtenMs: number;
  readonly lookupPaths: Map<string, string[]>;
  readonly cache: StartCache;
}

function loadPack(): Pack | null {
  const path = join(__dirname, START_PACK_FILE);
  let bytes: Buffer;
  let stats: Stats;
  try {
    stats = statSync(path);
    bytes = readFileSync(path);
  } catch {
    return null; // not built (running from src/), or a copy of rampart without it
  }
  const files = parseStartPack(bytes);
  if (files === null) return null;
  return { files, writtenMs: stats.mtimeMs, lookupPaths: new Map(), cache: new StartCache(startCacheFile(__dirname), packIdentity(stats)) };
}

/**
 * Writes V8's code of the start files for the next start of this Node version, when this
 * start had to compile any (src/start-cache.ts). Called by each entry once rampart has
 * started: the code of every function the start ran is in it by then.
 */
export function saveStartCache(): void {
  if (pack !== undefined && pack !== null) pack.cache.save();
}

/**
 * Whether the pack still holds what the file on disk holds: same length, and the file not
 * changed after the pack was written. A file edited since (patch-package or `pnpm patch` on
 * rampart, a `tsc --watch` rebuild, a hand edit) loads from disk, so the edit is what runs.
 * An install keeps the pack's order (npm gives every file of a package one fixed time). One
 * stat per file, about 1 ms for the whole pack here: far less than what the pack saves.
 */
function current(from: Pack, key: string): boolean {
  const file = from.files.get(key);
  // Its source is let go once it has run: taken out of require.cache since, it loads from disk.
  if (file === undefined || file.source === '') return false;
  const stats = statSync(file.filename, { throwIfNoEntry: false });
  return stats !== undefined && stats.size === file.bytes && stats.mtimeMs <= from.writtenMs;
}

/**
 * The exports of the start file `key` (a path under dist/, `preload.js`), loaded from the
 * pack, or undefined when there is no pack or it does not hold that file: the caller then
 * requires the file itself, with a literal require that bundlers can follow.
 */
export function requireStartFile(key: string, parent: unknown): unknown {
  if (pack === undefined) pack = loadPack();
  if (pack === null || !(alreadyLoaded(pack, key) || current(pack, key))) return undefined;
  return loadPacked(pack, key, parent);
}

function loadPacked(from: Pack, key: string, parent: unknown): unknown {
  const file = from.files.get(key)!;
  const filename = file.filename;
  const cached = require.cache[filename];
  if (cached !== undefined) return cached.exports;
  const mod = new NodeModule(filename, parent);
  mod.filename = filename;
  mod.paths = lookupPathsOf(from, file.folder);
  // The module's `require` calls mod.require (Node's makeRequireFunction): its own packed
  // files come from the pack, anything else (and a packed file changed on disk) through
  // whatever Module#require is now (other tools, rampart's builtin hook), resolved from the
  // file's real place.
  mod.require = function require(this: LoaderModule, id: string): unknown {
    const dep = file.deps[id];
    if (dep !== undefined && (alreadyLoaded(from, dep) || current(from, dep))) return loadPacked(from, dep, mod);
    return NodeModule.prototype.require.call(mod, id);
  };
  require.cache[filename] = mod as unknown as NodeJS.Module;
  let done = false;
  try {
    const wrapper = from.cache.compile(key, file.source, filename);
    wrapper.call(mod.exports, mod.exports, requireOf(mod), mod, filename, file.folder);
    done = true;
    file.source = '';
  } finally {
    if (!done) delete require.cache[filename]; // as Node does: a later require tries again
  }
  mod.loaded = true;
  return mod.exports;
}

/** The `require` Node gives a module's code (its makeRequireFunction), for a packed module. */
function requireOf(mod: LoaderModule): NodeJS.Require {
  const moduleRequire = function require(id: string): unknown {
    return mod.require(id);
  } as NodeJS.Require;
  const resolve = function resolve(request: string, options?: { paths?: string[] }): string {
    return NodeModule._resolveFilename(request, mod, false, options);
  } as NodeJS.RequireResolve;
  resolve.paths = (request: string) => NodeModule._resolveLookupPaths(request, mod);
  moduleRequire.resolve = resolve;
  moduleRequire.main = process.mainModule;
  moduleRequire.extensions = NodeModule._extensions as NodeJS.RequireExtensions;
  moduleRequire.cache = NodeModule._cache as NodeJS.Dict<NodeJS.Module>;
  return moduleRequire;
}

/** Already loaded, from the pack or from disk: the cache answers, no stat needed. */
function alreadyLoaded(from: Pack, key: string): boolean {
  const file = from.files.get(key);
  return file !== undefined && require.cache[file.filename] !== undefined;
}

/** A folder's node_modules lookup paths, made once per folder (Node makes them per file). */
function lookupPathsOf(from: Pack, dir: string): string[] {
  let paths = from.lookupPaths.get(dir);
  if (paths === undefined) from.lookupPaths.set(dir, (paths = NodeModule._nodeModulePaths(dir)));
  return paths.slice();
}
