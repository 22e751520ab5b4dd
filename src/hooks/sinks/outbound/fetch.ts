// Global fetch (Node's bundled undici, internal to Node: it cannot be required or
// patched). The global function is wrapped to learn, at call time, whether user input
// controls the URL's host and to run the call in that steer; redirect hops and
// connections follow it through the async context and are judged through undici's
// diagnostics channels (undici-channels.ts) and the socket connect (connect.ts).
// A refusal rejects the fetch with RampartBlockedError itself, not fetch's
// `TypeError: fetch failed` wrapper around it.
import type diagnostics from 'node:diagnostics_channel';
import { checksOn } from '../../../guard-gates';
import type { BuiltinHook } from '../../types';
import { declareBuiltinHook } from '../../methods-hook';
import type { Destination } from '../../../checks/ssrf';
import { refusedPromise } from '../../../refuse';
import type { Steer } from './steer';
import { subscribeUndici, unsubscribeUndici } from './undici-channels';
import { learnRedirect } from './redirect-inputs';
import { partsLoaded, steering, urlHosts } from './parts';

type AnyFunction = (...args: any[]) => any;

/** Where fetch(input) goes: a URL string, a URL, or a Request (its `url`). */
export function fetchDestination(input: unknown): Destination {
  let url: string | undefined;
  let hostname = '';
  if (typeof input === 'string') {
    url = input;
    hostname = urlHosts().urlHost(input) ?? '';
  } else if (input instanceof URL) {
    url = input.href;
    hostname = input.hostname;
  } else if (input !== null && typeof input === 'object' && typeof (input as { url?: unknown }).url === 'string') {
    url = (input as { url: string }).url;
    hostname = urlHosts().urlHost(url) ?? '';
  }
  return { hostname, port: undefined, url, addresses: undefined, steeredBy: undefined };
}

const fetchArgsDestination = (args: ArrayLike<unknown>): Destination => fetchDestination(args[0]);

/** A steered fetch's answer: a redirect the app may follow by hand (redirect-inputs.ts). */
function learnRedirectOf(steer: Steer, result: unknown): unknown {
  if (!(result instanceof Promise)) return result;
  return result.then((response: unknown) => {
    learnRedirect(steer, response);
    return response;
  });
}

/** Wraps a fetch-like function (global fetch, undici.fetch) under `sink`. */
export function wrapFetchLike(sink: string): (original: AnyFunction) => AnyFunction {
  return (original) =>
    function fetch(this: unknown): unknown {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      if (!checksOn('ssrf') || partsLoaded() !== true) return original.apply(this, args);
      const result = steering().steeredCall(sink, fetchArgsDestination, original, this, args, refusedPromise, learnRedirectOf);
      // A refusal at connect time (rebinding, redirect, metadata) reaches fetch as the cause of its TypeError.
      return result instanceof Promise ? result.then(undefined, steering().unwrapRefusal) : result;
    };
}

export const fetchHook: BuiltinHook = declareBuiltinHook({
  // Hosted by the builtin whose channels it subscribes to; global fetch has no module.
  module: 'diagnostics_channel',
  targets: [{ at: () => (typeof globalThis.fetch === 'function' ? globalThis : undefined), wrap: { fetch: wrapFetchLike('fetch') } }],
  also: { patch: (dc) => subscribeUndici(dc as typeof diagnostics), unpatch: unsubscribeUndici },
});
