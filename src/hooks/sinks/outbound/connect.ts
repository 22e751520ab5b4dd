// net.Socket#connect: every TCP connection of the process passes here (net.connect,
// net.createConnection, tls.connect, http(s) agents, http2, undici and so fetch). This
// is where the address actually connected to becomes known, so it is judged here:
// - a DNS name: the lookup the socket uses (the app's own or dns.lookup) is wrapped, and
//   each answer is judged before Node connects to it, so rebinding gains nothing;
// - an IP host (Node skips DNS): judged before connecting.
// A refused connection fails the way a failed DNS lookup does: Node destroys the socket
// with the error, and the app sees it as the socket's (or its request's) 'error'.
import { isIP, type Socket } from 'node:net';
import { currentContext } from '../../../context/store';
import type { RequestContext } from '../../../context/request-context';
import { checksOn, guard, metadataRuleOn } from '../../../guard-gates';
import { findSocketPathInput, socketPathDetector } from '../../../checks/ssrf-socket';
import { deliverableError } from '../../../refuse';
import type { BuiltinHook } from '../../types';
import { declareBuiltinHook } from '../../methods-hook';
import type { Opener } from './opener';
import type { Steer } from './steer';
import { openers, partsLoaded, steering } from './parts';
import { lazily } from '../../../lazy';

type AnyFunction = (...args: any[]) => any;

// node:dns loads with the first name a socket resolves, as Node's net loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dns = lazily(() => require('node:dns') as typeof import('node:dns'));

interface ConnectOptions {
  readonly host?: unknown;
  readonly port?: unknown;
  readonly path?: unknown;
  readonly lookup?: unknown;
}

interface ConnectCall {
  readonly options: ConnectOptions;
  readonly cb: AnyFunction | undefined;
}

/** net.connect() hands Socket#connect its normalized [options, cb], marked by a private symbol. */
function isNormalized(value: unknown[]): boolean {
  for (const symbol of Object.getOwnPropertySymbols(value)) if (symbol.description === 'normalizedArgs') return true;
  return false;
}

/** The forms Socket#connect accepts, as Node's normalizeArgs reads them; undefined for pipes and oddities. */
function connectCall(args: IArguments): ConnectCall | undefined {
  const a0: unknown = args[0];
  const last: unknown = args[args.length - 1];
  const cb = typeof last === 'function' ? (last as AnyFunction) : undefined;
  if (Array.isArray(a0)) {
    if (!isNormalized(a0)) return undefined;
    const options = a0[0] as ConnectOptions | undefined;
    const normalizedCb: unknown = a0[1];
    if (options === null || typeof options !== 'object') return undefined;
    return { options, cb: typeof normalizedCb === 'function' ? (normalizedCb as AnyFunction) : undefined };
  }
  if (a0 !== null && typeof a0 === 'object') return { options: a0 as ConnectOptions, cb };
  if (typeof a0 === 'number' || (typeof a0 === 'string' && Number(a0) >= 0)) {
    return { options: { port: a0, host: typeof args[1] === 'string' ? args[1] : undefined }, cb };
  }
  if (typeof a0 === 'string') return { options: { path: a0 }, cb }; // net.connect('/run/x.sock')
  return undefined;
}

function callWith(original: AnyFunction, socket: Socket, options: object, cb: AnyFunction | undefined): unknown {
  return cb === undefined ? original.call(socket, options) : original.call(socket, options, cb);
}

/** The app's options, seen through an object that only adds or replaces a few keys. */
function overlay(options: ConnectOptions, own: Record<string, unknown>): object {
  return Object.assign(Object.create(options) as object, own);
}

/**
 * The lookup the socket uses, judging every answer before Node connects to it. The app's
 * own `lookup` (or dns.lookup, read at call time as Node does) still does the resolving.
 */
function judgingLookup(
  socket: Socket,
  appLookup: unknown,
  steer: Steer | undefined,
  sink: string,
  host: string,
  port: unknown,
  ctx: RequestContext | undefined,
): AnyFunction {
  return function lookup(this: unknown): unknown {
    const resolve = (typeof appLookup === 'function' ? appLookup : dns().lookup) as AnyFunction;
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments) as unknown[];
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback !== 'function') return resolve.apply(this, args);
    args[last] = function onLookup(this: unknown, err: unknown, address: unknown): unknown {
      if (err === null || err === undefined) {
        const addresses = answerAddresses(address);
        const refusal = addresses.length === 0 ? undefined : steering().judgeAddresses(steer, sink, host, port, addresses, ctx);
        if (refusal !== undefined) {
          failingSocket(socket);
          return (callback as AnyFunction).call(this, refusal);
        }
      }
      // eslint-disable-next-line prefer-rest-params
      return (callback as AnyFunction).apply(this, arguments as unknown as unknown[]);
    };
    return resolve.apply(this, args);
  };
}

/** `address` or `[{ address, family }]` (with `all: true`) as a list of strings. */
function answerAddresses(answer: unknown): string[] {
  if (typeof answer === 'string') return [answer];
  if (!Array.isArray(answer)) return [];
  const out: string[] = [];
  for (const entry of answer) {
    const address = typeof entry === 'string' ? entry : (entry as { address?: unknown } | null)?.address;
    if (typeof address === 'string') out.push(address);
  }
  return out;
}

// An IP host skips DNS in Node; a host that is not an IP (and under .invalid, RFC 6761)
// makes Node ask the lookup, which reports the refusal through Node's own error path.
const REFUSED_HOST = 'refused-by-rampart.invalid';

/**
 * The socket is about to fail with a refusal: its 'error' (and that of the request it
 * carries, which Node forwards) reaches the app's listeners, or is dropped when there are
 * none, instead of becoming an uncaught exception (docs/refusals.md).
 */
function failingSocket(socket: Socket): void {
  deliverableError(socket);
  deliverableError((socket as { _httpMessage?: unknown })._httpMessage);
}

function refusingOptions(socket: Socket, options: ConnectOptions, refusal: Error): object {
  return overlay(options, {
    // A Unix socket refused goes the TCP way, to the failing lookup (which needs a port).
    path: undefined,
    port: options.port ?? 80,
    host: REFUSED_HOST,
    lookup: function refuse(_host: string, _options: unknown, callback: (err: Error) => void): void {
      // A macrotask later, like a real DNS answer: every listener is attached by then.
      setImmediate(() => {
        failingSocket(socket);
        callback(refusal);
      });
    },
  });
}

/**
 * Whether a TCP connection is the app's own traffic, which a request's input cannot have
 * steered: a telemetry export, or a socket a dependency opened itself (its pool, to the
 * host in its configuration). With a steer, a socket an HTTP client opens is the steered
 * call's (or its redirect hop's); without one, a socket Node's own clients open was judged
 * when the app called them.
 */
function isOwnConnection(opener: Opener, steered: boolean): boolean {
  if (opener.by === 'telemetry' || openers().inTelemetryExport()) return true;
  if (opener.via === undefined) return opener.by === 'library';
  return !steered && opener.via === 'node';
}

/**
 * The Unix socket an input names (`net.connect(JSON.parse(opts))` with `path`, undici's
 * `connect: { socketPath }`), judged as `http.request({ socketPath })` is: the refusal,
 * or undefined. Sockets Node's own clients open were judged at their call (http.ts), and a
 * dependency's own (a driver's socket from its config) is the app's.
 */
function unixSocketRefusal(path: unknown, sink: string): Error | undefined {
  if (typeof path !== 'string' || path === '' || currentContext() === undefined) return undefined;
  const inputs = steering().requestInputs();
  if (inputs === undefined || findSocketPathInput(path, inputs) === undefined) return undefined;
  if (isOwnConnection(openers().openedBy(), false)) return undefined;
  return guard()?.guardSink(socketPathDetector, sink, path);
}

function wrapConnect(original: AnyFunction): AnyFunction {
  return function connect(this: Socket): unknown {
    if (!checksOn('ssrf') || partsLoaded() !== true) return original.apply(this, arguments as unknown as unknown[]);
    const call = connectCall(arguments);
    if (call === undefined) return original.apply(this, arguments as unknown as unknown[]); // arguments Node will reject
    if (call.options.path !== undefined && call.options.path !== null) {
      const refusal = unixSocketRefusal(call.options.path, 'net.connect');
      if (refusal !== undefined) return callWith(original, this, refusingOptions(this, call.options, refusal), call.cb);
      return original.apply(this, arguments as unknown as unknown[]); // a pipe
    }
    const options = call.options;
    const given = typeof options.host === 'string' && options.host.length > 0 ? options.host : '';
    const host = given || 'localhost';
    const sink = (this as { encrypted?: boolean }).encrypted === true ? 'tls.connect' : 'net.connect';
    const ctx = currentContext();
    let steer = steering().steerStore.getStore();
    // A driver's pool connecting inside a steered call's callbacks, or an exporter: not a hop of that call.
    if (steer !== undefined && isOwnConnection(openers().openedBy(), true)) steer = undefined;
    else if (steer === undefined && ctx !== undefined && steering().inputsPresent()) {
      // A connection the app opened itself (net/tls), or through a client rampart does not wrap.
      const found = steering().steerOrRefusal(sink, {
        hostname: given,
        port: options.port,
        url: undefined,
        addresses: undefined,
        steeredBy: undefined,
        chosenByApp: () => isOwnConnection(openers().openedBy(), false),
      });
      if (found.refusal !== undefined) return callWith(original, this, refusingOptions(this, options, found.refusal), call.cb);
      steer = found.steer;
    }
    if (steer === undefined && !metadataRuleOn()) return original.apply(this, arguments as unknown as unknown[]);
    if (isIP(host) !== 0) {
      const refusal = steering().judgeAddresses(steer, steer?.sink ?? sink, host, options.port, [host], ctx);
      if (refusal !== undefined) return callWith(original, this, refusingOptions(this, options, refusal), call.cb);
      if (steer !== undefined) steering().judgedSockets.set(this, steer);
      return original.apply(this, arguments as unknown as unknown[]);
    }
    if (steer !== undefined) steering().judgedSockets.set(this, steer);
    const lookup = judgingLookup(this, options.lookup, steer, steer?.sink ?? sink, host, options.port, ctx);
    return callWith(original, this, overlay(options, { lookup }), call.cb);
  };
}

export const netConnectHook: BuiltinHook = declareBuiltinHook({
  module: 'net',
  targets: [{ at: (net) => (net as typeof import('node:net')).Socket.prototype, wrap: { connect: wrapConnect } }],
});
