// http2.connect(authority): one session, one connection, to the authority's host. The
// call is checked like http.request; the connection it opens is judged in connect.ts.
import type { BuiltinHook } from '../../types';
import { declareBuiltinHook, exportsOf } from '../../methods-hook';
import type { Destination } from '../../../checks/ssrf';
import { refusedConnection } from '../../../refuse/outbound';
import { partsLoaded, steering, urlHosts } from './parts';

type AnyFunction = (...args: any[]) => any;

function authorityDestination(authority: unknown): Destination {
  let hostname = '';
  let url: string | undefined;
  let port: unknown;
  if (typeof authority === 'string') {
    url = authority;
    hostname = urlHosts().urlHost(authority) ?? '';
  } else if (authority instanceof URL) {
    url = authority.href;
    hostname = authority.hostname;
    port = authority.port;
  } else if (authority !== null && typeof authority === 'object') {
    // Node also takes a URL-like object ({ protocol, hostname/host, port }).
    const a = authority as { hostname?: unknown; host?: unknown; port?: unknown };
    hostname = typeof a.hostname === 'string' ? a.hostname : typeof a.host === 'string' ? a.host : '';
    port = a.port;
  }
  return { hostname, port, url, addresses: undefined, steeredBy: undefined };
}

const connectDestination = (args: ArrayLike<unknown>): Destination => authorityDestination(args[0]);

function wrapConnect(original: AnyFunction): AnyFunction {
  return function connect(this: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    if (partsLoaded() !== true) return original.apply(this, args);
    // A refused session is one whose connection never connects: 'error', then 'close'.
    return steering().steeredCall('http2.connect', connectDestination, original, this, args, (refusal) => refusedConnection(original, this, args, refusal));
  };
}

export const http2ClientHook: BuiltinHook = declareBuiltinHook({ module: 'http2', targets: [{ at: exportsOf, wrap: { connect: wrapConnect } }] });
