// http/https clients: request and get (URL string, URL object, options, Agents). At call
// time the guard learns whether user input controls the host; an IP-literal host is
// judged there and then (a refused call returns a ClientRequest whose socket never
// connects and fails with the refusal: refuse/outbound.ts). A DNS name is judged at
// connect (see connect.ts), in the steer the call runs in. A keep-alive Agent may hand
// the request a socket connected earlier, with no lookup at all: ClientRequest#onSocket
// judges that socket's peer before anything is written to it.
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { BuiltinHook } from '../../types';
import { declareBuiltinHook, exportsOf } from '../../methods-hook';
import type { Destination } from '../../../checks/ssrf';
import { deliverableError } from '../../../refuse';
import { refusedConnection } from '../../../refuse/outbound';
import { guard } from '../../../guard-gates';
import { socketPathDetector } from '../../../checks/ssrf-socket';
import { learnIncomingRedirect } from './redirect-inputs';
import type { Steer } from './steer';
import { partsLoaded, steering, urlHosts } from './parts';

type AnyFunction = (...args: any[]) => any;

interface HttpOptions {
  readonly protocol?: unknown;
  readonly hostname?: unknown;
  readonly host?: unknown;
  readonly port?: unknown;
  readonly path?: unknown;
  readonly socketPath?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Where `http.request(a0, a1)` goes, merged the way Node merges a URL and options. */
export function httpDestination(defaultProtocol: string, a0: unknown, a1: unknown): Destination {
  let hostname: string | undefined;
  let port: unknown;
  let url: string | undefined;
  let options: HttpOptions | undefined;
  if (typeof a0 === 'string') {
    url = a0;
    hostname = urlHosts().urlHost(a0);
  } else if (a0 instanceof URL) {
    url = a0.href;
    hostname = a0.hostname;
    port = a0.port;
  } else if (a0 !== null && typeof a0 === 'object') {
    options = a0 as HttpOptions;
  }
  if (options === undefined && a1 !== null && typeof a1 === 'object') options = a1 as HttpOptions;
  if (options !== undefined) {
    if (options.socketPath !== undefined && options.socketPath !== null) {
      return { hostname: '', port: undefined, url, addresses: undefined, steeredBy: undefined }; // a Unix socket
    }
    hostname = text(options.hostname) ?? hostname ?? text(options.host);
    if (options.port !== undefined) port = options.port;
    if (url === undefined && hostname !== undefined) return new OptionsDestination(hostname, port, options, defaultProtocol);
  }
  return { hostname: hostname ?? '', port, url, addresses: undefined, steeredBy: undefined };
}

/**
 * A destination given as options (`{ host, port, path }`): its URL is only reported with a
 * finding, so it is spelled out then, not on every request.
 */
class OptionsDestination implements Destination {
  readonly addresses = undefined;
  readonly steeredBy = undefined;
  controller?: Destination['controller'];
  offending?: string;
  private spelled: string | undefined;

  constructor(
    readonly hostname: string,
    readonly port: unknown,
    private readonly options: HttpOptions,
    private readonly defaultProtocol: string,
  ) {}

  get url(): string {
    if (this.spelled !== undefined) return this.spelled;
    const { hostname, port, options } = this;
    const protocol = text(options.protocol) ?? this.defaultProtocol;
    const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
    this.spelled = `${protocol}//${host}${port !== undefined && port !== null && port !== '' ? `:${String(port)}` : ''}${text(options.path) ?? '/'}`;
    return this.spelled;
  }
}

/** The Unix socket of `http.request(options)` / `(url, options)`, if one is named. */
function socketPathOf(a0: unknown, a1: unknown): string | undefined {
  const options = a0 !== null && typeof a0 === 'object' && !(a0 instanceof URL) ? a0 : a1;
  const socketPath = options !== null && typeof options === 'object' ? (options as HttpOptions).socketPath : undefined;
  return typeof socketPath === 'string' && socketPath !== '' ? socketPath : undefined;
}

function wrapRequest(sink: string, protocol: string): (original: AnyFunction) => AnyFunction {
  return (original) =>
    function request(this: unknown, a0: unknown, a1: unknown): unknown {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      if (partsLoaded() !== true || !steering().inputsPresent()) return original.apply(this, args);
      const socketPath = socketPathOf(a0, a1);
      if (socketPath !== undefined) {
        const chosen = guard()?.guardSink(socketPathDetector, sink, socketPath);
        return chosen === undefined ? original.apply(this, args) : refusedConnection(original, this, args, chosen);
      }
      const { steer, refusal } = steering().steerOrRefusal(sink, httpDestination(protocol, a0, a1));
      if (refusal !== undefined) return refusedConnection(original, this, args, refusal);
      if (steer === undefined) return original.apply(this, args);
      const req = steering().steerStore.run(steer, () => original.apply(this, args)) as object;
      steering().steeredRequests.set(req, steer);
      learnRedirectOf(req, steer);
      return req;
    };
}

/**
 * A redirect answered to a steered request (the app may follow its Location by hand:
 * redirect-inputs.ts). Seen as the request emits 'response', before the app's listeners,
 * without adding one (a request nobody listens to still has its response dumped).
 */
function learnRedirectOf(req: object, steer: Steer): void {
  const emitter = req as { emit?: AnyFunction };
  const emit = emitter.emit;
  if (typeof emit !== 'function') return;
  emitter.emit = function (this: unknown, event: unknown, response: unknown): unknown {
    if (event === 'response') learnIncomingRedirect(steer, response);
    // eslint-disable-next-line prefer-rest-params
    return emit.apply(this, arguments as unknown as unknown[]);
  };
}

/**
 * A socket handed to a steered request without a lookup under its steer: a reused
 * keep-alive socket is judged now; one still connecting (made for another caller and
 * queued to this request) is judged once connected, before the request is flushed to it.
 */
function wrapOnSocket(original: AnyFunction): AnyFunction {
  return function onSocket(this: ClientRequest, socket: Socket | null | undefined, err: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    if (partsLoaded() !== true || !steering().steersMade) return original.apply(this, args);
    const steer: Steer | undefined = steering().steeredRequests.get(this) ?? steering().steerStore.getStore();
    if (steer === undefined || socket === null || socket === undefined || (err !== undefined && err !== null) || steering().sameSteer(steering().judgedSockets.get(socket), steer)) {
      return original.apply(this, args);
    }
    const hostname = typeof this.host === 'string' ? this.host : '';
    if (socket.connecting) {
      steering().judgedSockets.set(socket, steer);
      socket.prependOnceListener('connect', () => {
        const refusal = steering().judgeSocket(steer, hostname, socket);
        if (refusal === undefined) return;
        deliverableError(this);
        socket.destroy(refusal);
      });
      return original.apply(this, args);
    }
    const refusal = steering().judgeSocket(steer, hostname, socket);
    if (refusal === undefined) return original.apply(this, args);
    // The request emits the error on the next tick; the app may not have listened yet.
    setImmediate(() => {
      deliverableError(this);
      original.call(this, socket, refusal);
    });
    return undefined;
  };
}

function clientHook(module: 'http' | 'https'): BuiltinHook {
  const protocol = `${module}:`;
  const request = wrapRequest(`${module}.request`, protocol);
  return declareBuiltinHook({
    module,
    targets: [
      { at: exportsOf, wrap: { request, get: request } },
      // https reuses http's ClientRequest; patching it once is enough.
      { at: (http) => (module === 'http' ? (http as typeof import('node:http')).ClientRequest.prototype : undefined), wrap: { onSocket: wrapOnSocket } },
    ],
  });
}

export const httpClientHook = clientHook('http');
export const httpsClientHook = clientHook('https');
