// The undici package: request, stream, pipeline, connect, upgrade and fetch, as module
// functions (global dispatcher, or `opts.dispatcher`) and as methods of every dispatcher
// (Client, Pool, Agent, composed interceptors). At call time the guard learns whether
// user input controls the origin's host, and the call runs in that steer; addresses are
// judged when the connection is made (connect.ts), and a reused connection just before
// the request is written (undici-channels.ts). A refusal reaches the app through
// undici's own error path: the promise rejects, or the callback / stream gets the error.
// undici.fetch is handled like global fetch.
import { urlHost } from '../../../detect/ssrf/url-host';
import type { ModuleHook } from '../../types';
import { declareHook, exportsOf } from '../../methods-hook';
import type { Destination } from '../../../checks/ssrf';
import { wrapFetchLike } from './fetch';
import { learnIncomingRedirect } from './redirect-inputs';
import { steeredCall, type Steer } from './steer';

type AnyFunction = (...args: any[]) => any;

const METHODS = ['request', 'stream', 'pipeline', 'connect', 'upgrade'] as const;

/** A URL string, a URL, or undici's URL-like objects (`{ origin, path }`, `{ protocol, hostname, port }`). */
function undiciDestination(target: unknown): Destination {
  let url: string | undefined;
  let hostname = '';
  if (typeof target === 'string') {
    url = target;
    hostname = urlHost(target) ?? '';
  } else if (target instanceof URL) {
    url = target.href;
    hostname = target.hostname;
  } else if (target !== null && typeof target === 'object') {
    const t = target as { origin?: unknown; path?: unknown; hostname?: unknown };
    if (typeof t.origin === 'string' || t.origin instanceof URL) {
      const origin = typeof t.origin === 'string' ? t.origin : t.origin.origin;
      url = origin + (typeof t.path === 'string' ? t.path : '');
      hostname = urlHost(origin) ?? '';
    } else if (typeof t.hostname === 'string') {
      hostname = t.hostname;
    }
  }
  // Refusals come at connect, through undici's own error path for each API's style.
  return { hostname, port: undefined, url, addresses: undefined, steeredBy: undefined, deferred: true };
}

/**
 * A steered `undici.request`'s answer, `{ statusCode, headers }`: a redirect the app may
 * follow by hand (redirect-inputs.ts). The callback form is left as it is.
 */
function learnRedirectOfRequest(steer: Steer, result: unknown): unknown {
  if (!(result instanceof Promise)) return result;
  return result.then((response: unknown) => {
    learnIncomingRedirect(steer, response);
    return response;
  });
}

const undiciArgsDestination = (args: ArrayLike<unknown>): Destination => undiciDestination(args[0]);

function wrapApi(sink: string): (original: AnyFunction) => AnyFunction {
  return (original) =>
    function api(this: unknown): unknown {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      // A deferred destination is never refused at call time: refusals come at connect,
      // through undici's own error path, so the call always goes on.
      return steeredCall(sink, undiciArgsDestination, original, this, args, () => original.apply(this, args), sink === 'undici.request' ? learnRedirectOfRequest : undefined);
    };
}

interface UndiciExports {
  readonly Dispatcher?: { prototype: object };
}

const API = Object.fromEntries(METHODS.map((method) => [method, wrapApi(`undici.${method}`)]));

export const undiciHook: ModuleHook = declareHook({
  module: 'undici',
  versions: '7.x',
  targets: [
    { at: exportsOf, wrap: { ...API, fetch: wrapFetchLike('undici.fetch') } },
    { at: (undici) => (undici as UndiciExports).Dispatcher?.prototype, wrap: API },
  ],
});
