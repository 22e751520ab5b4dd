// import-in-the-middle's in-thread hooks, loaded at the app's first `import` rather than at
// start. Its hooks leave every require() resolution as it is (CommonJS is instrumented
// through require-in-the-middle), so until something is imported they would only pass
// calls on; yet loading them (an ES module graph and two lexers) cost about 16 ms of CPU and
// 1.7 MiB of memory at every start on Node 26, for the many apps that never import.
//
// A stand-in registered at start keeps import-in-the-middle's place in the hook chain (Node
// builds a resolution's chain as it starts, so hooks registered later would miss the
// resolution that needs them). The first resolution that is not a require() loads
// import-in-the-middle, and that resolution and every call after it go to its hooks, which
// then see exactly what they saw when registered at start. Its hooks are obtained through
// its public register(), with module.registerHooks captured for that one call, so they are
// never registered twice.
import Module, { syncBuiltinESMExports } from 'node:module';
import { internalError } from './guard-gates';
import type { LoaderHooks, RegisteredHooks } from './loader-hooks';

/** Hooks with both steps, as the stand-in and import-in-the-middle's register() give them. */
type BothHooks = Required<LoaderHooks>;
interface RegisterHooks {
  register(options: { include: string[] }): void;
}

/** Hooks that pass every call on: what runs when import-in-the-middle could not be loaded. */
const PASS_ON: BothHooks = {
  resolve: (specifier, context, next) => next(specifier, context),
  load: (url, context, next) => next(url, context),
};

/** Listeners added by whenFirstImported, waiting for the first import; run once, then emptied. */
const firstImportListeners = new Set<() => void>();
let firstImportSeen = false;

/**
 * Runs `listener` at the app's first import, before import-in-the-middle's hooks load and
 * before any module of that import is evaluated; at once if that import already happened.
 * What an ES module's evaluation needs in place (the agent's import-in-the-middle Hook, whose
 * package loads worker_threads: about 0.5 MiB at every start on Node 26) waits for it.
 * Returns a function that drops the listener if it has not run.
 */
export function whenFirstImported(listener: () => void): () => void {
  if (firstImportSeen) {
    runListener(listener);
    return () => {};
  }
  firstImportListeners.add(listener);
  return () => firstImportListeners.delete(listener);
}

function notifyFirstImport(): void {
  firstImportSeen = true;
  const listeners = [...firstImportListeners];
  firstImportListeners.clear();
  for (const listener of listeners) runListener(listener);
}

function runListener(listener: () => void): void {
  try {
    listener();
  } catch (error) {
    internalError('esm-loader', error); // the import goes on; what failed stays uninstrumented
  }
}

/**
 * The stand-in to register at start, in import-in-the-middle's place, for the modules in
 * `include`. `loadHooks` is how it gets import-in-the-middle's hooks (tests give another).
 */
export function firstImportLoader(include: string[], loadHooks: (include: string[]) => BothHooks = importInTheMiddleHooks): BothHooks {
  let hooks: BothHooks | undefined;
  let loading = false;
  return {
    resolve(specifier, context, next) {
      if (hooks === undefined) {
        // import-in-the-middle's own modules, loaded below, pass through like requires.
        if (loading || context.conditions?.includes('require') === true) return next(specifier, context);
        loading = true;
        try {
          notifyFirstImport();
          hooks = loadHooks(include);
        } catch (error) {
          // The app's import goes on uninstrumented rather than failing with rampart's error.
          internalError('esm-loader', error);
          hooks = PASS_ON;
        } finally {
          loading = false;
        }
      }
      return hooks.resolve(specifier, context, next);
    },
    load(url, context, next) {
      return hooks === undefined ? next(url, context) : hooks.load(url, context, next);
    },
  };
}

/** import-in-the-middle's in-thread hooks for `include`, as its register() would install them. */
function importInTheMiddleHooks(include: string[]): BothHooks {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { register } = require('import-in-the-middle/register-hooks.mjs') as RegisterHooks;
  return captureRegisteredHooks(() => register({ include }));
}

/**
 * Runs `register` with module.registerHooks replaced by a catcher, and returns the hooks it
 * was given. import-in-the-middle reads the function off the `node:module` ES module
 * namespace, so the namespace is re-synced after the swap and after the restore.
 */
function captureRegisteredHooks(register: () => void): BothHooks {
  const saved = Object.getOwnPropertyDescriptor(Module, 'registerHooks');
  if (saved === undefined) throw new Error('module.registerHooks is not an own property of node:module');
  let caught: LoaderHooks | undefined;
  const catcher = (hooks: LoaderHooks): RegisteredHooks => {
    caught = hooks;
    return { deregister() {} };
  };
  // The descriptor is swapped and put back whole: the property may hold another tool's
  // wrapper, or rampart's (deferred-builtins.ts), with their own attributes.
  Object.defineProperty(Module, 'registerHooks', { ...saved, value: catcher });
  syncBuiltinESMExports();
  try {
    register();
  } finally {
    Object.defineProperty(Module, 'registerHooks', saved);
    syncBuiltinESMExports();
  }
  if (caught === undefined) throw new Error('import-in-the-middle registered no loader hooks');
  return { resolve: caught.resolve ?? PASS_ON.resolve, load: caught.load ?? PASS_ON.load };
}
