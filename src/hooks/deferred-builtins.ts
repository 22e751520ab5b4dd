// Builtins patched when the app first asks for them rather than at start, where every way
// of asking can be seen before the app gets the module.
//
// https and http2 load tls and crypto: on Node 24, loading them costs about 9-13 MiB of
// memory at start, for apps that may never make an https call (docs/performance.md,
// "Start-up"). They are deferred only where module.registerHooks runs in the app's thread
// (src/esm-loader.ts), whose resolve hook sees every `import` and `require` of a builtin,
// `node:` or not, static or dynamic, from CommonJS, ES modules and require(esm) graphs. The
// module is patched in that hook, before Node builds the ES module facade whose named
// exports are then the patched functions. process.getBuiltinModule, which resolves
// nothing, and Module.prototype.require are watched as well (builtin-load-hook.ts).
//
// On Node 20, and wherever that loader is not registered, an ES module's
// `import { request } from 'node:https'` passes no hook rampart could wait on, so these
// builtins are patched at start like the others.
import Module from 'node:module';
import { BuiltinLoadHook } from './builtin-load-hook';

/** The builtins deferred where the loader allows it: the ones whose load costs most. */
export const DEFERRABLE_BUILTINS: readonly string[] = ['https', 'http2'];

interface ResolveResult {
  url: string;
}
type NextResolve = (specifier: string, context: unknown) => ResolveResult;
interface RegisteredHooks {
  deregister(): void;
}
type RegisterHooks = (hooks: { resolve(specifier: string, context: unknown, next: NextResolve): ResolveResult }) => RegisteredHooks;

/** Whether Node loaded `name` already (before rampart started, or by another builtin). */
export function builtinLoaded(name: string): boolean {
  const loadList = (process as { moduleLoadList?: readonly string[] }).moduleLoadList;
  // Without Node's list there is no telling: answer loaded, so the builtin is patched now.
  return loadList === undefined || loadList.includes(`NativeModule ${name}`);
}

/** Calls `onFirstUse(name, exports)` once per deferred builtin, before the app receives it. */
export class DeferredBuiltins {
  private readonly pending: Set<string>;
  private readonly registered: RegisteredHooks;
  private readonly loadHook: BuiltinLoadHook;

  constructor(
    names: readonly string[],
    private readonly onFirstUse: (name: string, exports: unknown) => void,
  ) {
    this.pending = new Set(names);
    const deferred = this;
    this.registered = ((Module as unknown as { registerHooks: RegisterHooks }).registerHooks)({
      resolve(specifier, context, nextResolve) {
        const result = nextResolve(specifier, context);
        const url = result?.url;
        if (typeof url === 'string' && url.startsWith('node:')) deferred.use(url.slice(5), undefined);
        return result;
      },
    });
    const watched = new Set<string>();
    for (const name of names) watched.add(name).add(`node:${name}`);
    this.loadHook = new BuiltinLoadHook(watched, (exports, id) => this.use(id.startsWith('node:') ? id.slice(5) : id, exports));
  }

  unhook(): void {
    this.pending.clear();
    this.registered.deregister();
    this.loadHook.unhook();
  }

  private use(name: string, exports: unknown): void {
    if (!this.pending.delete(name)) return; // not deferred, or patched already
    // Loaded here when the resolve hook is first to see it: the require below goes through
    // the hooks again, and finds the name no longer pending.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.onFirstUse(name, exports ?? require(`node:${name}`));
  }
}
