// The shape of module.registerHooks (Node 22.15+, 23.5+), which @types/node for Node 20 does
// not declare, in one place for rampart's three users of it: the in-thread ES module loader
// (esm-loader.ts, first-import-loader.ts) and the deferred builtins (hooks/deferred-builtins.ts).
import Module from 'node:module';

export interface ResolveContext {
  parentURL?: string;
  conditions?: readonly string[];
}
export interface ResolveResult {
  url: string;
  format?: string | null;
}
export type NextResolve = (specifier: string, context: ResolveContext) => ResolveResult;
export type NextLoad = (url: string, context: unknown) => unknown;

/** One registration's hooks; either may be left out. */
export interface LoaderHooks {
  resolve?(specifier: string, context: ResolveContext, next: NextResolve): ResolveResult;
  load?(url: string, context: unknown, next: NextLoad): unknown;
}
export interface RegisteredHooks {
  deregister(): void;
}
export type RegisterHooks = (hooks: LoaderHooks) => RegisteredHooks;

/** Calls module.registerHooks as it stands now (possibly another tool's wrapper, or rampart's). */
export function registerLoaderHooks(hooks: LoaderHooks): RegisteredHooks {
  return (Module as unknown as { registerHooks: RegisterHooks }).registerHooks(hooks);
}
