// The shape of every hook: a declaration naming the module, the versions it is tested
// with, and for each object the module exposes (a prototype, the exports) the methods to
// wrap, each with the wrapper that turns a call into a sink event for the guard, or, for
// an input source, runs the call in a request context. Patch and unpatch are derived from
// the same table, so they cannot drift apart: unpatch undoes exactly the objects patch
// found (it does not look them up again), in reverse order.
// Adding a sink is one such declaration (docs/adding-a-sink.md).
import type { BuiltinHook, ModuleHook } from './types';
import { unwrapMethod, wrapMethod } from './wrap';

type AnyFunction = (...args: any[]) => any;

/** Makes the wrapper of one method, given the original and the loaded module. */
export type WrapperFactory = (original: AnyFunction, loaded: unknown) => AnyFunction;

export interface MethodTable {
  /**
   * The object whose methods are wrapped, found in the loaded module; undefined leaves it
   * alone. `basedir` is the package's directory when known, for an object that lives in a
   * sibling file the entry point does not expose (ws's server under its ESM build).
   */
  readonly at: (loaded: unknown, basedir?: string) => object | undefined;
  /** Method name -> wrapper factory. */
  readonly wrap: Readonly<Record<string, WrapperFactory>>;
}

export interface HookDeclaration {
  readonly module: string;
  /** Semver range of the versions tested (packages only; a builtin comes with Node). */
  readonly versions?: string;
  readonly esmOnly?: boolean;
  /** Patched in order, unpatched in reverse (a later table may sit on an earlier wrapper). */
  readonly targets: readonly MethodTable[];
  /**
   * `copy`: when a method the tables wrap on the exports themselves sits in a property that
   * cannot be replaced (esbuild's CommonJS bundles export non-configurable getters), the
   * hook hands out a copy of the exports (and of their `default` object) and wraps that.
   */
  readonly frozenExports?: 'copy';
  /**
   * Work besides wrapping methods, undone by `unpatch`: subscribing to a channel, patching
   * a sibling module of the package, switching on prototypes found at run time
   * (`discovered.ts`).
   */
  readonly also?: { patch(loaded: unknown, basedir?: string): void; unpatch(loaded: unknown): void };
}

/** What patch did to one loaded module, for unpatch. */
interface Patched {
  readonly exports: object;
  readonly targets: ReadonlyArray<{ readonly target: object; readonly names: readonly string[] }>;
}

function isObjectLike(value: unknown): value is object {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

/** Whether a property holds a value nobody can replace (a non-configurable getter or read-only value). */
function frozenProperty(owner: object, name: string): boolean {
  const d = Object.getOwnPropertyDescriptor(owner, name);
  return d !== undefined && d.configurable === false && d.writable !== true;
}

/** A plain copy of the exports with writable properties, its `default` object copied too. */
function copyExports(exports: object): object {
  const copy = (source: object): Record<string | symbol, unknown> => {
    const out: Record<string | symbol, unknown> = {};
    for (const key of Reflect.ownKeys(source)) {
      const enumerable = Object.getOwnPropertyDescriptor(source, key)!.enumerable;
      Object.defineProperty(out, key, { value: (source as Record<string | symbol, unknown>)[key], enumerable, writable: true, configurable: true });
    }
    return out;
  };
  const replacement = copy(exports);
  if (isObjectLike(replacement.default) && typeof replacement.default === 'object') replacement.default = copy(replacement.default);
  return replacement;
}

function needsCopy(declaration: HookDeclaration, loaded: object, basedir: string | undefined): boolean {
  if (declaration.frozenExports !== 'copy') return false;
  return declaration.targets.some(({ at, wrap }) => at(loaded, basedir) === loaded && Object.keys(wrap).some((name) => frozenProperty(loaded, name)));
}

function hookOf(declaration: HookDeclaration): { patch(loaded: unknown, basedir?: string): unknown; unpatch(loaded: unknown): void } {
  const done = new WeakMap<object, Patched>();
  return {
    patch(loaded, basedir) {
      if (!isObjectLike(loaded)) return undefined;
      const exports = needsCopy(declaration, loaded, basedir) ? copyExports(loaded) : loaded;
      const targets: Array<{ target: object; names: string[] }> = [];
      for (const { at, wrap } of declaration.targets) {
        const target = at(exports, basedir);
        if (!isObjectLike(target)) continue;
        const names = Object.keys(wrap);
        for (const name of names) wrapMethod(target, name, (original) => wrap[name]!(original, exports));
        targets.push({ target, names });
      }
      done.set(loaded, { exports, targets });
      declaration.also?.patch(exports, basedir);
      return exports === loaded ? undefined : exports;
    },
    unpatch(loaded) {
      if (!isObjectLike(loaded)) return;
      const record = done.get(loaded);
      if (record === undefined) return;
      done.delete(loaded);
      declaration.also?.unpatch(record.exports);
      for (const { target, names } of [...record.targets].reverse()) for (const name of names) unwrapMethod(target, name);
    },
  };
}

/** A package hook from its declaration. */
export function declareHook(declaration: HookDeclaration & { readonly versions: string }): ModuleHook {
  const { patch, unpatch } = hookOf(declaration);
  return { module: declaration.module, versions: declaration.versions, esmOnly: declaration.esmOnly, patch, unpatch };
}

/** A builtin hook from its declaration: patched in place when rampart starts. */
export function declareBuiltinHook(declaration: HookDeclaration): BuiltinHook {
  const { patch, unpatch } = hookOf(declaration);
  return { module: declaration.module, patch, unpatch };
}

/** The `prototype` of a module that exports a class (`module.exports = Database`). */
export const prototypeOf = (loaded: unknown): object | undefined => (loaded as { prototype?: object } | null)?.prototype;
/** The module's exports themselves. */
export const exportsOf = (loaded: unknown): object | undefined => loaded as object | undefined;
