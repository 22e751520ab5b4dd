// The shape of (almost) every hook: a declaration naming the module, the versions it is
// tested with, and for each object the module exposes (a prototype, the exports) the
// methods to wrap, each with the wrapper that turns a call into a sink event for the
// guard. Patch and unpatch are derived from the same table, so they cannot drift apart.
// Adding a sink is one such declaration (docs/adding-a-sink.md).
import type { BuiltinHook, ModuleHook } from './types';
import { unwrapMethod, wrapMethod } from './wrap';

type AnyFunction = (...args: any[]) => any;

/** Makes the wrapper of one method, given the original and the loaded module. */
export type WrapperFactory = (original: AnyFunction, loaded: unknown) => AnyFunction;

export interface MethodTable {
  /** The object whose methods are wrapped, found in the loaded module; undefined leaves it alone. */
  readonly at: (loaded: unknown) => object | undefined;
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
  /** Work besides wrapping methods (subscribing to a channel), undone by `unpatch`. */
  readonly also?: { patch(loaded: unknown): void; unpatch(loaded: unknown): void };
}

function patchTargets(declaration: HookDeclaration, loaded: unknown): void {
  for (const { at, wrap } of declaration.targets) {
    const target = at(loaded);
    if (target === undefined || target === null) continue;
    for (const name of Object.keys(wrap)) wrapMethod(target, name, (original) => wrap[name]!(original, loaded));
  }
  declaration.also?.patch(loaded);
}

function unpatchTargets(declaration: HookDeclaration, loaded: unknown): void {
  declaration.also?.unpatch(loaded);
  for (const { at, wrap } of [...declaration.targets].reverse()) {
    const target = at(loaded);
    if (target === undefined || target === null) continue;
    for (const name of Object.keys(wrap)) unwrapMethod(target, name);
  }
}

/** A package hook from its declaration. */
export function declareHook(declaration: HookDeclaration & { readonly versions: string }): ModuleHook {
  return {
    module: declaration.module,
    versions: declaration.versions,
    esmOnly: declaration.esmOnly,
    patch: (loaded) => patchTargets(declaration, loaded),
    unpatch: (loaded) => unpatchTargets(declaration, loaded),
  };
}

/** A builtin hook from its declaration. */
export function declareBuiltinHook(declaration: HookDeclaration): BuiltinHook {
  return {
    module: declaration.module,
    patch: (loaded) => patchTargets(declaration, loaded),
    unpatch: (loaded) => unpatchTargets(declaration, loaded),
  };
}

/** The `prototype` of a module that exports a class (`module.exports = Database`). */
export const prototypeOf = (loaded: unknown): object | undefined => (loaded as { prototype?: object } | null)?.prototype;
/** The module's exports themselves. */
export const exportsOf = (loaded: unknown): object | undefined => loaded as object | undefined;
