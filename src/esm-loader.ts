// import-in-the-middle's in-thread ESM loader (module.registerHooks), for both preloads.
// Where Node runs it correctly (import-in-the-middle's `supportsSyncHooks`: 22.22.3+,
// 24.11.1+, 26+), it replaces the off-thread module.register() loader, which Node 26
// deprecates (DEP0205), and it can be installed synchronously from `--require`, so a
// CommonJS app that reaches ES modules (require(esm), import()) gets their imports of
// hooked packages instrumented too. See docs/node-versions.md.
import Module from 'node:module';
import { agentState } from './state';
import { asRampartHooks } from './hooks/deferred-builtins';
import { firstImportLoader } from './first-import-loader';
import { registerLoaderHooks } from './loader-hooks';

interface InThreadLoader {
  supportsSyncHooks(): boolean;
}

/** Whether this Node runs import-in-the-middle's loader through module.registerHooks. */
export function inThreadLoaderSupported(): boolean {
  // Checked first: the probe and the loader are ES modules, loaded through require(esm),
  // which `--no-experimental-require-module` turns off (then the off-thread loader serves).
  if (typeof (Module as { registerHooks?: unknown }).registerHooks !== 'function') return false;
  if ((process.features as { require_module?: boolean }).require_module !== true) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('import-in-the-middle/supports-sync-hooks.mjs') as InThreadLoader).supportsSyncHooks();
}

/**
 * Registers the loader for the packages rampart hooks, once the agent runs and instruments
 * (not in `off` mode, not in worker threads): other modules are never wrapped. The list is
 * given up front, as the off-thread loader receives it over its message channel.
 */
export function registerInThreadLoader(): void {
  const state = agentState();
  if (state === undefined || state.config.mode === 'off') return;
  // Loaded here, after the agent started: the preloads require this file first.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MODULE_HOOKS } = require('./hooks') as typeof import('./hooks');
  const include = [...new Set(MODULE_HOOKS.map((hook) => hook.module))];
  // rampart's own hooks pass every builtin on: not taken for another tool's (deferred-builtins.ts).
  asRampartHooks(() => {
    // import-in-the-middle itself loads at the first import (first-import-loader.ts).
    registerLoaderHooks(firstImportLoader(include));
    keepBuiltinsBuiltin();
  });
}

/**
 * import-in-the-middle (3.6.0, the newest) takes a resolution without a parent URL for the
 * app's entry point, and gives an extensionless URL the format 'commonjs'. Under `-e` and
 * `-p`, Node's own require('module') for the eval script has no parent either: 'node:module'
 * was then loaded as a CommonJS file named 'module', and every `node -e` under
 * NODE_OPTIONS=--require rampart/register died with ENOENT. A builtin's URL has the format
 * 'builtin'; registered after import-in-the-middle's hooks, this runs first and fixes its answer.
 */
function keepBuiltinsBuiltin(): void {
  registerLoaderHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      return result.format === 'commonjs' && result.url.startsWith('node:') ? { ...result, format: 'builtin' } : result;
    },
  });
}
