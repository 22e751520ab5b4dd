// Which fs functions take a path, as data: built once at load, read once per patch.
// fd-based functions (read, write, fstat, close, ...) are left alone on purpose: they
// name no path, and pino's sonic-boom writes through them while rampart reports.

/**
 * How a refused call is delivered, chosen to fit each function's contract
 * (docs/refusals.md):
 * - `callback`: the error goes to the last-argument callback on the next tick (as Node
 *   delivers an operational error); thrown when there is no callback, as Node throws then;
 * - `sync`: thrown (xxxSync);
 * - `promise`: a rejected promise (fs.promises, openAsBlob);
 * - `iterator`: an async iterator whose first `next()` rejects (fs.promises.watch);
 * - `stream`: a real Read/WriteStream that fails to open ('error', then 'close');
 * - `watcher`: a watcher that emits 'error', then 'close' (watch, watchFile);
 * - `nothing`: nothing happens (unwatchFile has no effect worth refusing loudly);
 * - `exists*`: `false`, since exists/existsSync never throw by contract.
 */
export type RefusalStyle = 'callback' | 'sync' | 'promise' | 'iterator' | 'stream' | 'watcher' | 'nothing' | 'existsCallback' | 'existsSync' | 'existsPromise';

export interface FsSink {
  /** Property name on `fs` or `fs.promises`. */
  readonly name: string;
  /** How many leading arguments are paths: 2 for rename, copyFile, cp, link, symlink. */
  readonly paths: 1 | 2;
  readonly style: RefusalStyle;
}

/**
 * Functions present in all three forms: `fs.name(path, ..., cb)`, `fs.nameSync(path)`
 * and `fs.promises.name(path)`. lchmod exists on macOS only; absent functions are skipped.
 */
const THREE_FORMS: ReadonlyArray<readonly [string, 1 | 2]> = [
  ['access', 1],
  ['appendFile', 1],
  ['chmod', 1],
  ['chown', 1],
  ['copyFile', 2],
  ['cp', 2],
  ['lchmod', 1],
  ['lchown', 1],
  ['link', 2],
  ['lstat', 1],
  ['lutimes', 1],
  ['mkdir', 1],
  ['mkdtemp', 1],
  ['open', 1],
  ['opendir', 1],
  ['readdir', 1],
  ['readFile', 1],
  ['readlink', 1],
  ['realpath', 1],
  ['rename', 2],
  ['rm', 1],
  ['rmdir', 1],
  ['stat', 1],
  ['statfs', 1],
  ['symlink', 2],
  ['truncate', 1],
  ['unlink', 1],
  ['utimes', 1],
  ['writeFile', 1],
];

export const FS_SINKS: readonly FsSink[] = [
  ...THREE_FORMS.flatMap(([name, paths]): FsSink[] => [
    { name, paths, style: 'callback' },
    { name: `${name}Sync`, paths, style: 'sync' },
  ]),
  { name: 'exists', paths: 1, style: 'existsCallback' },
  { name: 'existsSync', paths: 1, style: 'existsSync' },
  { name: 'watch', paths: 1, style: 'watcher' },
  { name: 'watchFile', paths: 1, style: 'watcher' },
  { name: 'unwatchFile', paths: 1, style: 'nothing' },
  { name: 'createReadStream', paths: 1, style: 'stream' },
  { name: 'createWriteStream', paths: 1, style: 'stream' },
  { name: 'openAsBlob', paths: 1, style: 'promise' },
];

export const FS_PROMISES_SINKS: readonly FsSink[] = [
  ...THREE_FORMS.map(([name, paths]): FsSink => ({ name, paths, style: 'promise' })),
  { name: 'watch', paths: 1, style: 'iterator' },
];

/** Functions hanging off another fs function: `fs.realpath.native`, `fs.realpathSync.native`. */
export const NATIVE_REALPATH: ReadonlyArray<readonly [string, RefusalStyle]> = [
  ['realpath', 'callback'],
  ['realpathSync', 'sync'],
];
