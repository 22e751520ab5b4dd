// The path-traversal sink detector for fs. The payload is the path argument exactly as
// the app passed it (string, Buffer, URL, fd, FileHandle): turning it into a string
// costs something, so it happens here, only once the guard knows inputs are present.
import { sep, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as PathDetector from '../detect/path';
import type { PathDetectOptions } from '../detect/path';
import { lazily } from '../lazy';
import type { Detection, UserInput } from '../detect/types';
import type { Config } from '../config/types';
import { guardSink, type SinkDetector } from '../guard';

// The path detector loads with the first fs call a request's input may affect.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pathDetector = lazily(() => require('../detect/path') as typeof PathDetector);

/** Same shape test as Node's own `isURL` (fs accepts URL-like objects, not only URL). */
function isUrlLike(value: object): value is URL {
  const v = value as { href?: unknown; protocol?: unknown; auth?: unknown; path?: unknown };
  return typeof v.href === 'string' && typeof v.protocol === 'string' && v.auth === undefined && v.path === undefined;
}

/**
 * The path a string, Buffer/Uint8Array or `file:` URL names, or undefined for anything
 * else (fds, FileHandles, invalid URLs: the original function reports those itself).
 */
export function pathString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  if (value instanceof Uint8Array) return bytesOf(value).toString('utf8');
  if (isUrlLike(value)) {
    try {
      return fileURLToPath(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function bytesOf(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** A Buffer path that is not valid UTF-8 may carry an input decoded byte-per-char. */
function latin1Variant(value: unknown, utf8: string): string | undefined {
  if (!(value instanceof Uint8Array) || utf8.indexOf('\ufffd') === -1) return undefined;
  return bytesOf(value).toString('latin1');
}

// The options object is rebuilt only when the configuration object changes (restart).
let optionsConfig: Config | undefined;
let options: PathDetectOptions = {};
function optionsFor(config: Config): PathDetectOptions {
  if (config !== optionsConfig) {
    optionsConfig = config;
    options = { allowedRoots: config.path.allowedRoots };
  }
  return options;
}

// The fs wrappers and the switch frame wrap.ts puts in front of every wrapper: skipped to
// find the caller (since the hooks moved out of checks/, __dirname alone no longer covers them).
const HOOKS_DIR = resolve(__dirname, '..', 'hooks') + sep;
// Node's runner of module.registerHooks() hooks (Node 22.15+, 23.5+).
const MODULE_HOOK_CHAIN = 'node:internal/modules/customization_hooks';
// rampart's own code (src/ or dist/): its fs use inside a request is never the app's.
const OWN_ROOT = resolve(__dirname, '..') + sep;

/**
 * Was the fs function called by Node itself or by rampart rather than by the app?
 * Node calls public fs functions for work already checked at the public entry point
 * (streams open their file, cp/rm/watch walk a tree, exists calls access, realpath
 * calls lstat) and to load modules (require, import). Module loading also runs the load
 * and resolve hooks an app or its tools installed with `module.registerHooks()` (a
 * TypeScript loader, a coverage tool, an APM agent) in the app's own thread: they read the
 * module's file through public fs functions, called from Node's hook chain
 * (node:internal/modules/customization_hooks), which is on the stack only while hooks run,
 * never while a module's own code is evaluated. Only computed for a detection, so its cost
 * never reaches the clean path.
 */
function calledByNodeOrRampart(): boolean {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let frames: unknown;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.stackTraceLimit = 32;
    const holder: { stack?: unknown } = {};
    // Frames from the fs wrapper down: guardSink and the detector are left out.
    Error.captureStackTrace(holder, guardSink);
    frames = holder.stack;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  if (!Array.isArray(frames)) return false;
  let caller: string | undefined;
  for (const frame of frames as NodeJS.CallSite[]) {
    const file = frame.getFileName() ?? '';
    if (caller === undefined) {
      if (file.startsWith(HOOKS_DIR)) continue; // our wrappers
      caller = file;
      if (file === 'node:fs' || file.startsWith('node:internal/fs/') || file.startsWith('node:internal/modules/') || file.startsWith(OWN_ROOT)) return true;
    } else if (file === MODULE_HOOK_CHAIN) {
      return true; // the caller is a module loader hook, run by Node for a require or import
    } else if (file === CJS_LOADER) {
      // A module's own code runs inside Module#_compile: its read is the app's. Anything else
      // of the loader (Module#load calling a `require.extensions` handler, Module._load
      // calling an agent's require hook) is loading a module: tsx's handler reads the .ts
      // file it transpiles with public fs.
      return !isModuleCompile(frame);
    }
  }
  return false;
}

// Node's CommonJS loader: Module#load calls the extension handler for the file's extension,
// which reads the file and hands its text to Module#_compile, which runs the module's code.
const CJS_LOADER = 'node:internal/modules/cjs/loader';

/**
 * Module#_compile's frame: its function is named `Module._compile` on Node 20 and anonymous
 * on 22+ (V8 then knows it only as the `_compile` method of a Module).
 */
function isModuleCompile(frame: NodeJS.CallSite): boolean {
  const name = frame.getFunctionName() || frame.getMethodName() || '';
  return name === '_compile' || name.endsWith('._compile');
}

function detect(payload: unknown, inputs: readonly UserInput[], config: Config): Detection | undefined {
  const path = pathString(payload);
  if (path === undefined) return undefined;
  let found = pathDetector().detectPathTraversal(path, inputs, optionsFor(config));
  if (found === undefined) {
    const latin1 = latin1Variant(payload, path);
    if (latin1 !== undefined) found = pathDetector().detectPathTraversal(latin1, inputs, optionsFor(config));
  }
  if (found !== undefined && calledByNodeOrRampart()) return undefined;
  return found;
}

export const fsSinkDetector: SinkDetector<unknown> = {
  kind: 'path_traversal',
  family: 'fs',
  detect,
  describe: (payload) => ({ 'file.path': pathString(payload) ?? String(payload) }),
};
