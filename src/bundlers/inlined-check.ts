// The start-up warning for a bundled server whose bundle carries a hooked package inside it:
// rampart's require hooks never see such a package load, so its calls are not protected.
// The check runs once, off the start-up path: a timer after the app's first synchronous run
// loads its code, reads the entry file once without blocking, and warns once per process.
// Start-up itself only loads this file and sets the timer.
import { resolve } from 'node:path';
import type { RampartLogger } from '../report/logger';

/** Bundles larger than this are not read (the warning is advice; reading is not free). */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export interface InlinedCheckOptions {
  /** Hooked package names (asked for when the check runs). */
  readonly packages: () => readonly string[];
  /** Packages a hook patched so far. */
  readonly patched: () => ReadonlySet<string>;
  readonly logger: RampartLogger;
}

let warned = false;

/** Schedules the check; returns a function that cancels it if it has not run. */
export function scheduleInlinedCheck(options: InlinedCheckOptions): () => void {
  if (warned) return () => {};
  let live = true; // stop() may land while the file is being read: nothing is logged after it
  const timer = setTimeout(() => {
    checkInlined(options, () => live).catch((error: unknown) => {
      if (live) options.logger.debug({ event: 'rampart.inlined_check_failed', error: String(error) }, 'rampart: the bundled-package check could not run');
    });
  }, 0);
  timer.unref();
  return () => {
    live = false;
    clearTimeout(timer);
  };
}

async function checkInlined(options: InlinedCheckOptions, live: () => boolean): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { stat, readFile } = require('node:fs/promises') as typeof import('node:fs/promises');
  const Module = require('node:module') as typeof import('node:module');
  const { inlinedPackages } = require('./inlined-markers') as typeof import('./inlined-markers');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const entry = entryFile();
  // An entry inside node_modules is a tool's (next, tsx, pm2), not the app's bundle.
  if (entry === undefined || /[/\\]node_modules[/\\]/.test(entry)) return;
  const info = await stat(entry);
  if (!info.isFile() || info.size > MAX_ENTRY_BYTES) return;
  const source = await readFile(entry, 'latin1'); // markers are ASCII; latin1 decodes fastest
  if (!live()) return;
  const requiredFiles = Object.keys((Module as unknown as { _cache: Record<string, unknown> })._cache);
  const found = inlinedPackages({ source, packages: options.packages(), requiredFiles, patched: options.patched() });
  if (found.length === 0) {
    options.logger.debug({ event: 'rampart.inlined_check', file: entry, packages: [] }, 'rampart: no hooked package found bundled into the entry file');
    return;
  }
  if (warned) return;
  warned = true;
  options.logger.warn(
    { event: 'rampart.inlined_packages', packages: found, file: entry },
    `rampart: ${found.join(', ')} ${found.length === 1 ? 'is' : 'are'} bundled into ${entry}, where rampart cannot hook ${found.length === 1 ? 'it' : 'them'}: ` +
      'calls through the bundled copy are NOT protected. Keep hooked packages external: rampartEsbuildPlugin() from rampart/esbuild, ' +
      'rampartWebpackExternals() from rampart/webpack, or withRampart() from rampart/next (docs/bundlers.md)',
  );
}

/** The file node was asked to run: require.main for CommonJS, argv[1] for an ES module entry. */
function entryFile(): string | undefined {
  const main = require.main?.filename;
  if (main !== undefined) return main;
  const arg = process.argv[1];
  return arg === undefined || arg === '' ? undefined : resolve(arg);
}
