// Builtins patched when the app first asks for them rather than at start, where every way
// of asking can be seen before the app gets the module.
//
// https and http2 load tls and crypto: on Node 24, loading them costs about 9-13 MiB of
// memory at start, for apps that may never make an https call (docs/performance.md,
// "Start-up"). child_process (with the dgram it loads) cost about 1 MiB more on Node 26, in
// every app, though few web servers run commands. They are deferred only where
// module.registerHooks runs in the app's thread (src/esm-loader.ts), whose resolve hook
// sees every `import` and `require` of a builtin, `node:` or not, static or dynamic, from
// CommonJS, ES modules and require(esm) graphs. The module is patched in that hook, before
// Node builds the ES module facade whose named exports are then the patched functions.
// process.getBuiltinModule, which resolves nothing, and Module.prototype.require are
// watched as well (builtin-load-hook.ts).
//
// On Node 20, and wherever that loader is not registered, an ES module's
// `import { request } from 'node:https'` passes no hook rampart could wait on, so these
// builtins are patched at start like the others.
//
// Another tool's resolve hook registered after rampart's runs before it, and may answer a
// builtin without passing it on (short-circuit): rampart's hook would never see that import.
// So module.registerHooks is wrapped: another tool's resolve hook is registered wrapped in
// one that reads its answer, whichever it gives. A hook registered through a reference
// taken before rampart started escapes that; for it, each request's start (a length check
// of Node's list of loaded builtins) patches a deferred builtin that was loaded unseen and
// re-syncs ES module namespaces, before the request's code runs.
import Module, { syncBuiltinESMExports } from 'node:module';
import { BuiltinLoadHook } from './builtin-load-hook';
import { unwrapMethod, wrapMethod } from './wrap';
import { type LoaderHooks, type RegisterHooks, type RegisteredHooks, type ResolveResult, registerLoaderHooks } from '../loader-hooks';

/**
 * The builtins deferred where the loader allows it: the ones whose load costs most, and that
 * are sinks only. http stays patched at start: its server is where requests are seen, and the
 * catch-up for a load rampart did not see runs at a request's start.
 */
export const DEFERRABLE_BUILTINS: readonly string[] = ['https', 'http2', 'child_process'];

/** Node's list of the builtins it has loaded (`NativeModule https`, ...), where it keeps one. */
export function nodeLoadList(): readonly string[] | undefined {
  return (process as { moduleLoadList?: readonly string[] }).moduleLoadList;
}

/** Whether Node loaded `name` already (before rampart started, or by another builtin). */
export function builtinLoaded(name: string): boolean {
  const loadList = nodeLoadList();
  // Without Node's list there is no telling: answer loaded, so the builtin is patched now.
  return loadList === undefined || loadList.includes(`NativeModule ${name}`);
}

/** The running deferral, for the request-start catch-up (catchUpDeferredBuiltins). */
let running: DeferredBuiltins | undefined;
/** Set while rampart registers its own loader hooks, which pass builtins on. */
let ownRegistration = false;

/** Runs rampart's own module.registerHooks calls (src/esm-loader.ts), which never hide a builtin. */
export function asRampartHooks<T>(register: () => T): T {
  ownRegistration = true;
  try {
    return register();
  } finally {
    ownRegistration = false;
  }
}

/** At each request's start: patches a deferred builtin that Node loaded without rampart seeing it. */
export function catchUpDeferredBuiltins(): void {
  running?.catchUp();
}

/** Calls `onFirstUse(name, exports)` once per deferred builtin, before the app receives it. */
export class DeferredBuiltins {
  private readonly pending: Set<string>;
  private readonly registered: RegisteredHooks;
  private readonly loadHook: BuiltinLoadHook;
  private seenLoads = 0;

  constructor(
    names: readonly string[],
    private readonly onFirstUse: (name: string, exports: unknown) => void,
  ) {
    this.pending = new Set(names);
    const deferred = this;
    this.registered = registerLoaderHooks({
      resolve(specifier, context, nextResolve) {
        const result = nextResolve(specifier, context);
        deferred.answered(result);
        return result;
      },
    });
    // Wrapped like any hooked function (wrap.ts): the original's shape, and another tool's
    // wrapper over it survives stop().
    wrapMethod(Module, 'registerHooks', (original) =>
      function registerHooks(this: unknown, hooks: LoaderHooks) {
        // eslint-disable-next-line prefer-rest-params
        const args = arguments as unknown as Parameters<RegisterHooks>;
        if (ownRegistration || typeof hooks?.resolve !== 'function') return original.apply(this, args);
        const theirs = hooks.resolve;
        // Their hooks object stays the prototype: `load` and anything else is read from it as before.
        const observed = Object.create(hooks) as LoaderHooks;
        observed.resolve = function resolve(this: unknown) {
          // eslint-disable-next-line prefer-rest-params
          const result = Reflect.apply(theirs, this, arguments) as ResolveResult | undefined;
          deferred.answered(result);
          return result!;
        };
        return original.call(this, observed);
      },
    );
    // No syncBuiltinESMExports() here: the caller makes one pass once its builtins are patched
    // too (Instrumentation.start), so `import { registerHooks } from 'node:module'` gets the
    // wrapper. Each pass walks every builtin Node has; two at start were enough calls for V8
    // to optimize Node's own lookup (Maglev on Node 22+) in the smallest app.
    const watched = new Set<string>();
    for (const name of names) watched.add(name).add(`node:${name}`);
    this.loadHook = new BuiltinLoadHook(watched, (exports, id) => this.use(id.startsWith('node:') ? id.slice(5) : id, exports));
    this.seenLoads = loadCount();
    running = this;
  }

  unhook(): void {
    this.pending.clear();
    if (running === this) running = undefined;
    this.registered.deregister();
    this.loadHook.unhook();
    unwrapMethod(Module, 'registerHooks');
    syncBuiltinESMExports();
  }

  /** Patches a pending builtin that Node's list shows loaded; only looks when the list grew. */
  catchUp(): void {
    if (this.pending.size === 0) return;
    const count = loadCount();
    if (count === this.seenLoads) return;
    this.seenLoads = count;
    for (const name of [...this.pending]) if (builtinLoaded(name)) this.use(name, undefined);
  }

  /** A resolution's answer, from rampart's hook or another tool's: a deferred builtin is patched now. */
  private answered(result: ResolveResult | undefined): void {
    const url = result?.url;
    if (this.pending.size > 0 && typeof url === 'string' && url.startsWith('node:')) this.use(url.slice(5), undefined);
  }

  private use(name: string, exports: unknown): void {
    if (!this.pending.delete(name)) return; // not deferred, or patched already
    // Loaded here when the resolve hook is first to see it: the require below goes through
    // the hooks again, and finds the name no longer pending.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.onFirstUse(name, exports ?? require(`node:${name}`));
  }
}

function loadCount(): number {
  return nodeLoadList()?.length ?? 0;
}
