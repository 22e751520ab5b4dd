// Installs the hooks: builtins are patched in place (ESM named imports of builtins follow
// through syncBuiltinESMExports); packages as Node loads their CommonJS files (load-hook.ts)
// and through import-in-the-middle for ESM when the ESM loader was registered
// (rampart/register).
import { readFileSync } from 'node:fs';
import Module, { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import type { RampartLogger } from '../report/logger';
import { BuiltinLoadHook } from './builtin-load-hook';
import { DEFERRABLE_BUILTINS, DeferredBuiltins, builtinLoaded, nodeLoadList } from './deferred-builtins';
import { LoadHook } from './load-hook';
import { indexLoadedPackages, type LoadedPackages } from './loaded-packages';
import { packageName } from './package-name';
import type { BuiltinHook, ModuleHook, ModuleHookEntry } from './types';
import { satisfies } from './version-range';
import { contextStore } from '../context/store';
import { internalError } from '../guard-gates';
import { whenFirstImported } from '../first-import-loader';

interface Unhookable {
  unhook(): void;
}

export interface InstrumentOptions {
  readonly builtins: readonly BuiltinHook[];
  /** Package hooks as data: each is loaded when its package is first seen. */
  readonly modules: readonly ModuleHookEntry[];
  readonly logger: RampartLogger;
  /** True when import-in-the-middle's loader is registered (node --import rampart/register). */
  readonly esm: boolean;
  /**
   * True where module.registerHooks runs in the app's thread (src/esm-loader.ts): https and
   * http2 are then patched when first imported or required (deferred-builtins.ts), and
   * import-in-the-middle's Hook is made at the first import (first-import-loader.ts).
   */
  readonly inThreadLoader?: boolean;
}

export class Instrumentation {
  private readonly hooks: Unhookable[] = [];
  private readonly patched: Array<{ hook: ModuleHook | BuiltinHook; exports: unknown }> = [];
  // Per hook: two hooks may patch the same builtin (http's server and client sides).
  private readonly seen = new WeakMap<ModuleHook | BuiltinHook, WeakSet<object>>();
  /** Exports a hook replaced (see ModuleHook.patch), so later requires get the replacement too. */
  private readonly replacements = new WeakMap<object, unknown>();

  constructor(private readonly options: InstrumentOptions) {}

  start(): void {
    const { builtins, modules, logger } = this.options;
    const deferred = this.options.inThreadLoader === true ? DEFERRABLE_BUILTINS.filter((name) => !builtinLoaded(name)) : [];
    for (const hook of builtins) {
      if (deferred.includes(hook.module)) continue;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exports = require(`node:${hook.module}`) as unknown;
      this.apply(hook, exports);
    }
    if (deferred.length > 0) this.hooks.push(new DeferredBuiltins(deferred, (name, exports) => this.patchDeferred(name, exports)));
    // One pass for the patched builtins and DeferredBuiltins' module.registerHooks wrapper.
    syncBuiltinESMExports();
    this.patchAlreadyLoaded();
    const byName = new Map(modules.map((m) => [m.module, m]));
    const names = [...byName.keys()];
    const requireNames = modules.filter((m) => m.esmOnly !== true && !isLazyBuiltin(m.module)).map((m) => m.module);
    this.hooks.push(
      new LoadHook(new Set(requireNames), (exports, name, basedir) => {
        const hook = loadHook(byName.get(name));
        // A hook may hand back replacement exports (see ModuleHook.patch).
        return hook === undefined ? exports : this.applyChecked(hook, exports, basedir);
      }),
    );
    const lazy = lazyBuiltins(modules).filter((name) => Module.isBuiltin(name));
    if (lazy.length > 0) {
      this.hooks.push(
        new BuiltinLoadHook(new Set(lazy), (exports, name) => {
          const hook = loadHook(byName.get(name));
          if (hook !== undefined) this.applyChecked(hook, exports, undefined);
        }),
      );
    }
    if (this.options.esm) {
      // In the app's thread import-in-the-middle itself loads at the first import
      // (first-import-loader.ts), and its Hook is made then, before any ES module is evaluated.
      this.hooks.push(this.options.inThreadLoader === true ? this.atFirstImport(() => this.importHook(names, byName)) : this.importHook(names, byName));
    }
    const unavailable = lazyBuiltins(modules).filter((name) => !Module.isBuiltin(name));
    logger.debug({ modules: names.filter((name) => !unavailable.includes(name)), builtins: builtins.map((b) => b.module), unavailable }, 'rampart hooks installed');
    // A builtin this Node line does not have (node:sqlite before 22.13) is no gap: the app cannot load it either. Debug level: every app on such a line would otherwise get the line.
    if (unavailable.length > 0) logger.debug({ event: 'rampart.hooks_unavailable', modules: unavailable, node: process.versions.node }, `rampart: ${unavailable.join(', ')} not in Node ${process.versions.node}; their hooks are not installed`);
  }

  /** import-in-the-middle's Hook over the hooked packages' ES module (and imported CommonJS) exports. */
  private importHook(names: string[], byName: ReadonlyMap<string, ModuleHookEntry>): Unhookable {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Hook: ImportHook } = require('import-in-the-middle') as typeof import('import-in-the-middle');
    return new ImportHook(names, { internals: false }, (exported, name, basedir) => {
      const hook = loadHook(byName.get(name));
      if (hook === undefined) return;
      // A CommonJS package imported from ESM exposes module.exports as `default`; its
      // named exports are separate bindings, re-pointed at the patched functions so
      // `import { request } from 'undici'` is protected like the default import.
      const target = exported.default ?? exported;
      const patched = this.applyChecked(hook, target, basedir ?? undefined) as Record<string, unknown> | undefined;
      const source = (patched ?? target) as Record<string, unknown>;
      if (exported.default === undefined || source === null || typeof source !== 'object' && typeof source !== 'function') return;
      for (const key of Object.keys(exported)) {
        if (key === 'default') continue;
        const value = source[key];
        if (typeof value === 'function' && value !== exported[key]) exported[key] = value;
      }
    }) as unknown as Unhookable;
  }

  /** A hook made at the app's first import; removed with the others, made or not. */
  private atFirstImport(make: () => Unhookable): Unhookable {
    let made: Unhookable | undefined;
    const cancel = whenFirstImported(() => {
      made = make();
    });
    return {
      unhook() {
        cancel();
        made?.unhook();
      },
    };
  }

  /** Package names a module hook has patched so far (read by the bundled-package check). */
  patchedPackages(): Set<string> {
    const modules = new Set<unknown>(this.options.modules);
    return new Set(this.patched.filter((entry) => modules.has(entry.hook)).map((entry) => packageName(entry.hook.module)));
  }

  stop(): void {
    for (const hook of this.hooks.splice(0)) hook.unhook();
    for (const { hook, exports } of this.patched.splice(0).reverse()) hook.unpatch(exports);
    syncBuiltinESMExports();
  }

  /**
   * A deferred builtin's hooks, applied as the app first imports or requires it. Inside the
   * app's import: a fault here is logged and the import goes on (the module unpatched).
   */
  private patchDeferred(name: string, exports: unknown): void {
    try {
      for (const hook of this.options.builtins) if (hook.module === name) this.apply(hook, exports);
      syncBuiltinESMExports();
    } catch (error) {
      internalError(`hooks:${name}`, error);
    }
  }

  private applyChecked(hook: ModuleHook, exports: unknown, basedir: string | undefined): unknown {
    // A lazily hooked builtin's version is Node's; a package's is in its package.json.
    const version = isLazyBuiltin(hook.module) ? process.versions.node : basedir === undefined ? undefined : packageVersion(basedir);
    if (version !== undefined && !satisfies(version, hook.versions)) {
      this.options.logger.warn(
        { module: hook.module, version, tested: hook.versions },
        `rampart: ${hook.module}@${version} is outside the tested versions (${hook.versions}); protecting it anyway`,
      );
    }
    return this.apply(hook, exports, basedir);
  }

  /** Patches once; returns the exports to hand out (a hook's replacement, if it made one). */
  private apply(hook: ModuleHook | BuiltinHook, exports: unknown, basedir?: string): unknown {
    if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) return exports;
    let seen = this.seen.get(hook);
    if (seen === undefined) this.seen.set(hook, (seen = new WeakSet<object>()));
    if (seen.has(exports as object)) return this.replacements.get(exports as object) ?? exports;
    seen.add(exports as object);
    const replacement = hook.patch(exports, basedir);
    this.patched.push({ hook, exports });
    if (replacement === undefined || replacement === exports) return exports;
    seen.add(replacement as object);
    this.replacements.set(exports as object, replacement);
    return replacement;
  }

  /** Packages required before start() still get patched, with a warning naming them. */
  private patchAlreadyLoaded(): void {
    const cache = (Module as unknown as { _cache: Record<string, { exports: unknown } | undefined> })._cache;
    const loaded = indexLoadedPackages(Object.keys(cache));
    for (const entry of this.options.modules) {
      if (entry.esmOnly === true) continue; // ES modules are not in require's cache
      if (isLazyBuiltin(entry.module)) {
        this.patchLoadedBuiltin(entry);
        continue;
      }
      if (isPackageFile(entry.module)) {
        this.patchLoadedFile(entry, cache, loaded);
        continue;
      }
      if (!loaded.holdsPackage(entry.module)) continue;
      const marker = `/node_modules/${entry.module}/`;
      const hook = loadHook(entry)!;
      this.options.logger.warn(
        { module: hook.module },
        `rampart: ${hook.module} was loaded before rampart started; load rampart first (node --require rampart/register, or node --import rampart/register for an ES module app) so every use of it is protected`,
      );
      let main: string;
      try {
        main = require.resolve(hook.module, { paths: [process.cwd()] });
      } catch {
        continue;
      }
      const mainModule = cache[main];
      if (mainModule !== undefined) this.applyChecked(hook, mainModule.exports, main.slice(0, main.lastIndexOf(marker) + marker.length));
    }
  }

  /**
   * A builtin hooked when the app loads it (it warns when loaded, so rampart never loads it
   * first): loaded before rampart started, it is patched now. Node lists what it loaded.
   */
  private patchLoadedBuiltin(entry: ModuleHookEntry): void {
    const loadList = nodeLoadList();
    if (loadList === undefined || !loadList.includes(`NativeModule ${entry.module.slice('node:'.length)}`)) return;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.applyChecked(loadHook(entry)!, require(entry.module), undefined);
  }

  /**
   * A hook on a file inside a package (`mysql2/lib/base/connection`): that file is what
   * the package loaded, under any copy of the package, whatever its "exports" allow.
   */
  private patchLoadedFile(entry: ModuleHookEntry, cache: Record<string, { exports: unknown } | undefined>, packages: LoadedPackages): void {
    const loaded = ['.js', '.cjs', '/index.js'].flatMap((ext) => packages.filesEndingWith(`${entry.module}${ext}`));
    if (loaded.length === 0) return;
    const hook = loadHook(entry)!;
    this.options.logger.warn(
      { module: hook.module },
      `rampart: ${hook.module} was loaded before rampart started; load rampart first (node --require rampart/register, or node --import rampart/register for an ES module app) so every use of it is protected`,
    );
    const pkg = `/node_modules/${packageName(hook.module)}/`;
    for (const file of loaded) {
      const entry = cache[file];
      if (entry !== undefined) this.applyChecked(hook, entry.exports, file.slice(0, file.lastIndexOf(pkg) + pkg.length));
    }
  }
}

/**
 * A package hook's implementation, loaded when its package is first seen (hooks/index.ts).
 * Outside the request context: the app may require a driver inside a request, and the
 * reads of rampart's own files are not that request's doing (see lazily()).
 */
function loadHook(entry: ModuleHookEntry | undefined): ModuleHook | undefined {
  return entry === undefined ? undefined : contextStore.exit(() => entry.load());
}

/**
 * A builtin hooked like a package, when the app loads it, rather than patched at start: one
 * that exists only under its `node:` name and warns when loaded (node:sqlite's
 * ExperimentalWarning), so loading it at start would warn in every app, and not at all on a
 * Node line that lacks it.
 */
function isLazyBuiltin(id: string): boolean {
  return id.startsWith('node:');
}

function lazyBuiltins(modules: readonly ModuleHookEntry[]): string[] {
  return modules.filter((m) => isLazyBuiltin(m.module)).map((m) => m.module);
}

/** Whether a module id names a file inside a package rather than the package itself. */
function isPackageFile(id: string): boolean {
  return id !== packageName(id);
}

function packageVersion(basedir: string): string | undefined {
  try {
    const version = (JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
