// Koa keeps parsed inputs on its context: `ctx.request.body` (@koa/bodyparser, koa-body),
// `ctx.params` (@koa/router), `ctx.request.query`. Application#createContext makes that
// context for each request, inside rampart's request context: the wrapper hands it over.
import type { FrameworkAdapter } from '../../context/request-context';
import { currentContext } from '../../context/store';
import { isRampartBlocked } from '../../errors';
import { declareHook } from '../methods-hook';

interface KoaContextLike {
  request?: { body?: unknown; params?: unknown; querystring?: unknown; _querycache?: Record<string, unknown> };
  params?: unknown;
  _matchedRoute?: unknown;
}

function cachedQuery(c: KoaContextLike): unknown {
  const request = c.request;
  const cache = request?._querycache;
  if (cache === undefined || cache === null) return undefined;
  const querystring = request!.querystring;
  return typeof querystring === 'string' ? cache[querystring] : undefined;
}

export const KOA_ADAPTER: FrameworkAdapter<KoaContextLike> = {
  name: 'koa',
  sources: [
    { source: 'body', path: '', read: (c) => c.request?.body },
    { source: 'params', path: '', read: (c) => c.params ?? c.request?.params },
    // Only a query the app already had koa parse (and cache): koa 3's parser is quadratic
    // in the number of keys, so rampart must never be the one to trigger it. Its values
    // equal what rampart reads from the raw query string unless the app assigned
    // ctx.query itself; equal values are not added twice.
    { source: 'query', path: '', read: cachedQuery, dedupe: true },
  ],
  route: (c) => (typeof c._matchedRoute === 'string' ? c._matchedRoute : undefined),
};

/**
 * Koa's default error listener (`app.onerror`, installed when the app has no 'error'
 * listener of its own) prints the stack of every error a request ends with. For a refusal
 * rampart already answered 403 and reported the finding; the app's own errors still print.
 * An app with its own 'error' listener gets every error, refusals included, as before.
 */
function quietOnerror(original: (...args: unknown[]) => unknown) {
  return function onerror(this: unknown, err: unknown) {
    if (isRampartBlocked(err)) return undefined;
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

/** Application.prototype, when the module is Koa's Application class. */
function applicationPrototype(loaded: unknown): object | undefined {
  const proto = (loaded as { prototype?: unknown } | undefined)?.prototype;
  return typeof proto === 'object' && proto !== null && typeof (proto as { createContext?: unknown }).createContext === 'function' ? proto : undefined;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

function wrapCreateContext(original: AnyFunction): AnyFunction {
  return function createContext(this: unknown, req: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const koaCtx = original.apply(this, arguments as unknown as unknown[]) as KoaContextLike;
    const ctx = currentContext();
    if (ctx !== undefined && ctx.req === req && koaCtx !== null && typeof koaCtx === 'object') ctx.attach(KOA_ADAPTER, koaCtx);
    return koaCtx;
  };
}

export const koaHook = declareHook({
  module: 'koa',
  versions: '2.x || 3.x',
  targets: [{ at: applicationPrototype, wrap: { createContext: wrapCreateContext, onerror: quietOnerror } }],
});
