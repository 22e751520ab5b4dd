// The most common module hook: wrap a few named methods of one object the module exposes
// (a prototype, an exports object). Patch and unpatch come from the same table, so they
// cannot drift apart.
import type { ModuleHook } from './types';
import { unwrapMethod, wrapMethod } from './wrap';

type AnyFunction = (...args: any[]) => any;

export interface MethodsHookSpec {
  readonly module: string;
  readonly testedMajors: readonly number[];
  /** The object whose methods are wrapped, found in the loaded module; undefined leaves it alone. */
  readonly target: (loaded: unknown) => object | undefined;
  /** Method name -> wrapper factory, given the original method. */
  readonly wrappers: Readonly<Record<string, (original: AnyFunction) => AnyFunction>>;
}

export function methodsHook(spec: MethodsHookSpec): ModuleHook {
  const names = Object.keys(spec.wrappers);
  return {
    module: spec.module,
    testedMajors: spec.testedMajors,
    patch(loaded) {
      const target = spec.target(loaded);
      if (target === undefined) return;
      for (const name of names) wrapMethod(target, name, spec.wrappers[name]!);
    },
    unpatch(loaded) {
      const target = spec.target(loaded);
      if (target === undefined) return;
      for (const name of names) unwrapMethod(target, name);
    },
  };
}
