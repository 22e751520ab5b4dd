// A "steer" is an outbound call whose destination user input controls. It is found once,
// when the app makes the call, and carried through the call's async work (DNS lookups,
// connects, redirect hops) so that every address the call connects to is judged against
// the input that chose it, in the request that supplied it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestContext } from '../../../context/request-context';
import { contextStore, currentContext } from '../../../context/store';
import { parseIpLiteral } from '../../../detect/ssrf/ip-parse';
import type { UserInput } from '../../../detect/types';
import type { RampartBlockedError } from '../../../errors';
import { guard, inputsToCheck } from '../../../guard-gates';
import { destinationDetector, metadataDetector, pathMayNameHost, type Destination } from '../../../checks/ssrf';
import { inTelemetryExport, openedBy } from './opener';

export interface Steer {
  readonly ctx: RequestContext;
  readonly input: UserInput;
  /** The sink the app called (`fetch`, `http.request`, ...). */
  readonly sink: string;
  /** The URL the app asked for, reported with every finding of the call. */
  readonly url: string | undefined;
  /** Address already judged when the call was made (its host was an IP literal). */
  readonly judged: string | undefined;
}

export const steerStore = new AsyncLocalStorage<Steer>();

/** Two steers of the same input in the same request judge the same thing. */
export function sameSteer(a: Steer | undefined, b: Steer): boolean {
  return a !== undefined && (a === b || (a.ctx === b.ctx && a.input === b.input));
}

/** Sockets whose addresses were (or are being) judged for a steer. */
export const judgedSockets = new WeakMap<object, Steer>();
/** Client requests (http ClientRequest, undici Request) and their steer. */
export const steeredRequests = new WeakMap<object, Steer>();

/**
 * The current request's inputs, or undefined when nothing can steer a call (SSRF checks off,
 * no request, no inputs): the cheap test before a call is described for the guard. Input
 * collection is the guard's own, cached per request.
 */
export function requestInputs(): readonly UserInput[] | undefined {
  return inputsToCheck('ssrf');
}

export function inputsPresent(): boolean {
  return requestInputs() !== undefined;
}

/**
 * Whether any steer was ever made in this process. Until one is, no request or socket can
 * carry one, and hooks on every request (a keep-alive socket handed to a request) skip
 * looking for it.
 */
export let steersMade = false;

/**
 * The last sink and host a request's inputs were found not to control. A request that calls
 * the same API again and again (a keep-alive client in a loop) skips the guard for it, as
 * the fs hook does for paths; any other inputs array, sink or host is checked. An inputs
 * array is never reused by another request (contexts make their own), and a failed input
 * collection gives a fresh empty array, which never matches. Held weakly: the request's
 * inputs (its whole body, parsed) must not outlive it in an idle server.
 */
const clean = { inputs: undefined as WeakRef<readonly UserInput[]> | undefined, sink: '', host: '' };

/** What a call learns from the guard: the steer to run it in, or the refusal to deliver. */
export interface CallVerdict {
  readonly steer?: Steer;
  readonly refusal?: RampartBlockedError;
}

const PROCEED: CallVerdict = {};

/** What the check was told about the call it is deciding (set and read synchronously around it). */
const ownCall = { ask: (() => false) as () => boolean, own: false };

function askOwnCall(): boolean {
  ownCall.own = ownCall.ask();
  return ownCall.own;
}

/**
 * A URL client called by an OpenTelemetry exporter: marked by the SDK's suppressTracing
 * context, or, where no context manager carries it, by the exporter's call path.
 */
export function isTelemetryCall(): boolean {
  return inTelemetryExport() || openedBy().by === 'telemetry';
}

/**
 * At call time, inside a request: asks the guard about the destination. Refuses when the
 * host is an IP literal user input steers to an internal address (block mode); returns
 * the steer to run the call in when user input controls a host whose address is only
 * known later.
 */
export function steerOrRefusal(sink: string, d: Destination): CallVerdict {
  const ctx = currentContext();
  if (ctx === undefined) return PROCEED;
  const inputs = requestInputs();
  if (inputs !== undefined && inputs === clean.inputs?.deref() && sink === clean.sink && d.hostname === clean.host) return PROCEED;
  // The app's own traffic is not clean for the app's other calls to the same host.
  ownCall.ask = d.chosenByApp ?? isTelemetryCall;
  ownCall.own = false;
  d.chosenByApp = askOwnCall;
  const refusal = guard()?.guardSink(destinationDetector, sink, d);
  if (refusal !== undefined) return { refusal };
  const own = ownCall.own;
  const input = d.controller;
  if (input === undefined) {
    if (inputs !== undefined && d.hostname !== '' && !own && !pathMayNameHost(d.hostname)) {
      clean.inputs = new WeakRef(inputs);
      clean.sink = sink;
      clean.host = d.hostname;
    }
    return PROCEED;
  }
  const judged = d.deferred === true ? undefined : parseIpLiteral(d.hostname)?.address;
  steersMade = true;
  return { steer: { ctx, input, sink, url: d.url, judged } };
}

type AnyFunction = (...args: any[]) => any;

/**
 * The call-time step every URL client wrapper shares (fetch, undici, http2.connect): with
 * no input to steer it, the call runs as is; otherwise the guard judges `destination`,
 * a refusal is handed to `refuse` (the API's own way to fail), and the call runs in its
 * steer when user input controls the host; `steered`, if given, then sees that call's
 * result (fetch learns a redirect the app may follow by hand).
 */
export function steeredCall(
  sink: string,
  destination: (args: ArrayLike<unknown>) => Destination,
  original: AnyFunction,
  self: unknown,
  args: ArrayLike<unknown>,
  refuse: (refusal: RampartBlockedError) => unknown,
  steered?: (steer: Steer, result: unknown) => unknown,
): unknown {
  if (!inputsPresent()) return original.apply(self, args as unknown[]);
  const { steer, refusal } = steerOrRefusal(sink, destination(args));
  if (refusal !== undefined) return refuse(refusal);
  if (steer === undefined) return original.apply(self, args as unknown[]);
  const result = steerStore.run(steer, () => original.apply(self, args as unknown[]));
  return steered === undefined ? result : steered(steer, result);
}

/**
 * Judges the addresses a connection is about to use (DNS answers, an IP host, the peer
 * of a reused socket): against the steer's input when there is one, otherwise only the
 * cloud metadata rule. Returns the refusal, or undefined to go ahead; never throws it.
 */
export function judgeAddresses(
  steer: Steer | undefined,
  sink: string,
  hostname: string,
  port: unknown,
  addresses: readonly string[],
  ctx: RequestContext | undefined,
): RampartBlockedError | undefined {
  if (steer !== undefined) {
    const fresh = steer.judged === undefined ? addresses : addresses.filter((a) => a !== steer.judged);
    if (fresh.length === 0) return undefined;
    const d: Destination = { hostname, port, url: steer.url, addresses: fresh, steeredBy: steer.input };
    return contextStore.run(steer.ctx, () => guard()?.guardSink(destinationDetector, steer.sink, d));
  }
  const d: Destination = { hostname, port, url: undefined, addresses, steeredBy: undefined };
  // In the request that made the connection, or in none (never in a stranger's).
  if (ctx !== undefined) return contextStore.run(ctx, () => guard()?.guardWithoutInput(metadataDetector, sink, d));
  return contextStore.exit(() => guard()?.guardWithoutInput(metadataDetector, sink, d));
}

interface PeerSocket {
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

/** Judges the peer of a socket already connected (a reused keep-alive connection). */
export function judgeSocket(steer: Steer, hostname: string, socket: PeerSocket): RampartBlockedError | undefined {
  const address = socket.remoteAddress;
  if (address === undefined) return undefined; // closed: nothing will be sent on it
  // An exporter's keep-alive request made in a steered call's callbacks is not a hop of it.
  if (inTelemetryExport()) return undefined;
  const refusal = judgeAddresses(steer, steer.sink, hostname, socket.remotePort, [address], steer.ctx);
  if (refusal === undefined) judgedSockets.set(socket, steer);
  return refusal;
}

/** Rejections of wrapped promise APIs carry rampart's error itself, not a wrapper of it. */
export function unwrapRefusal(error: unknown): never {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause !== undefined && cause !== null && cause.code === 'RAMPART_BLOCKED') throw cause;
  throw error;
}
