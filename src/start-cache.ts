// V8's code cache for the start pack (docs/performance.md, "The start pack's code cache").
// Compiling rampart's start files was most of what rampart's start cost over the builtins
// it patches: V8 parsing and compiling some 200 KB of JavaScript at every start pages in
// V8's parser and compiler, which bare node never runs (its own code comes from a snapshot
// and a code cache). So the first start of each Node version writes V8's compiled code of
// the start files beside the pack, and later starts hand it back to V8 instead of
// compiling. V8 checks each entry itself (its version, its flags, the source's length) and
// compiles anew when one does not fit; rampart checks the rest: an entry is used only for
// the pack it was made from (the pack file's size, inode and change time: any rewrite of
// the pack, by a build or a copy, changes them) and for a file of the same key and length.
//
// The cache sits in rampart's own dist/ folder, which holds rampart's code: whoever can
// write it can write that code too. A folder rampart cannot write (a read-only image, a
// zip) only means every start compiles, as without the cache.
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { Script, constants as vmConstants } from 'node:vm';
import { sep } from 'node:path';

/** First line of a cache file; the second is its header, JSON: { pack, files: [[key, offset, length]] }. */
export const START_CACHE_FORMAT = 'rampart-start-cache 1';
const NEWLINE = 0x0a;

/** The CommonJS wrapper, on the source's first line so line numbers stay the file's own. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_TAIL = '\n});';

/** The pack's identity in its cache: any rewrite of the pack (a build, a copy into an image) changes its inode or change time. */
export function packIdentity(pack: { size: number; ino: number; ctimeMs: number }): string {
  return `${pack.size}:${pack.ino}:${pack.ctimeMs}`;
}

/** The cache file of this Node version and architecture, in `dir` (dist/). */
export function startCacheFile(dir: string): string {
  return `${dir}${sep}start-pack-${process.version}-${process.arch}.cache`;
}

interface CacheHeader {
  readonly pack: string;
  readonly files: ReadonlyArray<readonly [string, number, number]>;
}

/** Where one file's cached code lies in the cache file. */
export interface CacheEntry {
  readonly at: number;
  readonly length: number;
}

/**
 * The entries of a cache file of `size` bytes whose first bytes are `head` (at least its two
 * header lines), when it is a cache of the pack `packId`; null otherwise. Each entry is read
 * when its file compiles, so the start never holds the whole file (160-185 KB here).
 */
export function readCacheIndex(head: Buffer, size: number, packId: string): ReadonlyMap<string, CacheEntry> | null {
  const formatEnd = head.indexOf(NEWLINE);
  const headerEnd = formatEnd < 0 ? -1 : head.indexOf(NEWLINE, formatEnd + 1);
  if (headerEnd < 0 || head.toString('latin1', 0, formatEnd) !== START_CACHE_FORMAT) return null;
  let header: CacheHeader;
  try {
    header = JSON.parse(head.toString('utf8', formatEnd + 1, headerEnd)) as CacheHeader;
  } catch {
    return null;
  }
  if (header === null || typeof header !== 'object' || header.pack !== packId || !Array.isArray(header.files)) return null;
  const body = headerEnd + 1;
  const entries = new Map<string, CacheEntry>();
  for (const entry of header.files) {
    if (!Array.isArray(entry) || entry.length !== 3) return null;
    const [key, start, length] = entry;
    if (typeof key !== 'string' || !Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length <= 0) return null;
    if (body + start + length > size) return null;
    entries.set(key, { at: body + start, length });
  }
  return entries;
}

/** The first bytes of the file open at `fd`, through its header's second line (or all of it). */
function readHead(fd: number, size: number): Buffer {
  for (let want = 8192; ; want *= 4) {
    const buffer = Buffer.allocUnsafe(Math.min(want, size));
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, read);
    const formatEnd = head.indexOf(NEWLINE);
    if ((formatEnd >= 0 && head.indexOf(NEWLINE, formatEnd + 1) >= 0) || read >= size || read < buffer.length) return head;
  }
}

/** A packed file's compiled wrapper: call it as Node calls a module's wrapper. */
export type ModuleWrapper = (this: unknown, exports: unknown, require: unknown, module: unknown, filename: string, dirname: string) => void;

/**
 * The start's compiles: takes each file's code from the cache when V8 accepts it, and
 * after the start writes a new cache when any file had to be compiled.
 */
export class StartCache {
  /** The cache file, open while the start compiles (closed by save()). */
  private fd: number | undefined;
  private entries: ReadonlyMap<string, CacheEntry> = new Map();
  /** Every script compiled this start, by key: their code (lazily compiled functions included) is what a new cache holds. */
  private readonly scripts = new Map<string, Script>();
  private stale = true;

  /** RAMPART_START_CACHE=off: neither read nor written (read here: the config loads after the start files). */
  private readonly off = process.env.RAMPART_START_CACHE?.trim() === 'off';

  constructor(
    private readonly file: string,
    private readonly packId: string,
  ) {
    if (this.off) return;
    let fd: number | undefined;
    try {
      fd = openSync(file, 'r');
      const size = fstatSync(fd).size;
      const entries = readCacheIndex(readHead(fd, size), size, packId);
      if (entries !== null) {
        this.entries = entries;
        this.fd = fd;
        this.stale = false;
        return;
      }
    } catch {
      // no cache yet for this Node version
    }
    if (fd !== undefined) closeSync(fd);
  }

  compile(key: string, source: string, filename: string): ModuleWrapper {
    const cachedData = this.cachedCodeOf(key);
    const script = new Script(WRAPPER_HEAD + source + WRAPPER_TAIL, {
      filename,
      cachedData,
      // Without it an import() in a start file would throw: resolve it as the app's own would be.
      importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cachedData === undefined || script.cachedDataRejected === true) this.stale = true;
    this.scripts.set(key, script);
    return script.runInThisContext() as ModuleWrapper;
  }

  /** A file's cached code, read now; undefined when the cache has none, or it cannot be read whole. */
  private cachedCodeOf(key: string): Buffer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || this.fd === undefined) return undefined;
    const data = Buffer.allocUnsafe(entry.length);
    try {
      return readSync(this.fd, data, 0, entry.length, entry.at) === entry.length ? data : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Writes the cache when this start compiled a file V8 had no code for, then lets the
   * scripts go. Written to a file of its own and renamed into place, so a process reading
   * it sees the whole old cache or the whole new one; any failure (a read-only folder, a
   * full disk) leaves the previous cache, or none.
   */
  save(): void {
    const scripts = this.scripts;
    // Entries of files this start did not load stay (another entry, `start()` against
    // `--require`, loads a few others): otherwise two kinds of start would rewrite it in turn.
    const kept: Array<[string, Buffer]> = [];
    if (this.stale && !this.off) {
      for (const key of this.entries.keys()) {
        const data = scripts.has(key) ? undefined : this.cachedCodeOf(key);
        if (data !== undefined) kept.push([key, data]);
      }
    }
    // A start file required later compiles without the cache.
    this.entries = new Map();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.off || !this.stale || scripts.size === 0) {
      scripts.clear();
      return;
    }
    this.stale = false;
    const files: Array<[string, number, number]> = [];
    const blobs: Buffer[] = [];
    let offset = 0;
    const add = (key: string, data: Buffer): void => {
      if (data.length === 0) return;
      files.push([key, offset, data.length]);
      blobs.push(data);
      offset += data.length;
    };
    for (const [key, script] of scripts) add(key, script.createCachedData());
    for (const [key, data] of kept) add(key, data);
    scripts.clear();
    const head = Buffer.from(`${START_CACHE_FORMAT}\n${JSON.stringify({ pack: this.packId, files })}\n`);
    const temporary = `${this.file}.${process.pid}.tmp`;
    let fd: number | undefined;
    try {
      rmSync(temporary, { force: true }); // left by a process that died writing, under a pid since reused
      fd = openSync(temporary, 'wx', 0o644);
      writeSync(fd, head);
      for (const blob of blobs) writeSync(fd, blob);
      closeSync(fd);
      fd = undefined;
      renameSync(temporary, this.file);
    } catch {
      if (fd !== undefined) closeSync(fd);
      rmSync(temporary, { force: true });
    }
  }
}
