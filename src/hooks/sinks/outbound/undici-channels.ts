// undici (the package, and the copy bundled in Node behind global fetch) announces every
// request it creates, and the socket each request is written to, on diagnostics_channel.
// Both copies publish on the same named channels, so one subscription sees them all,
// whatever the dispatcher (Agent, Pool, Client, setGlobalDispatcher, interceptors):
// - `undici:request:create`, in the caller's async context: ties the request (every
//   redirect hop is a new request) to the steer it runs in; a request made through an
//   unwrapped path whose origin user input controls gets a steer of its own;
// - `undici:client:sendHeaders`, just before the first byte is written: a socket not
//   judged for the request's steer (a reused keep-alive connection) is judged now, and
//   the request is aborted with the refusal before anything is sent.
// Subscribers must never throw (diagnostics_channel turns that into an uncaught error).
import diagnostics from 'node:diagnostics_channel';
import { internalError } from '../../../guard-gates';
import type { Destination } from '../../../checks/ssrf';
import { partsLoaded, steering, urlHosts } from './parts';

interface UndiciRequest {
  readonly origin?: unknown;
  readonly path?: unknown;
  error?: unknown;
  abort?: unknown;
}

function originHost(origin: unknown): string {
  if (typeof origin === 'string') return urlHosts().urlHost(origin) ?? '';
  if (origin instanceof URL) return origin.hostname;
  return '';
}

function onRequestCreate(message: unknown): void {
  try {
    const request = (message as { request?: UndiciRequest } | null)?.request;
    if (request === undefined || request === null || partsLoaded() !== true) return;
    const steer = steering().steerStore.getStore();
    if (steer !== undefined) {
      steering().steeredRequests.set(request, steer);
      return;
    }
    if (!steering().inputsPresent()) return;
    const origin = typeof request.origin === 'string' ? request.origin : request.origin instanceof URL ? request.origin.origin : undefined;
    const d: Destination = {
      hostname: originHost(request.origin),
      port: undefined,
      url: origin === undefined ? undefined : origin + (typeof request.path === 'string' ? request.path : ''),
      addresses: undefined,
      steeredBy: undefined,
      // The connection, if one is made, is judged at connect; this only finds the input.
      deferred: true,
    };
    const found = steering().steerOrRefusal('undici.request', d);
    if (found.steer !== undefined) steering().steeredRequests.set(request, found.steer);
  } catch (error) {
    internalError('undici:request:create', error);
  }
}

function onSendHeaders(message: unknown): void {
  try {
    const { request, socket } = (message ?? {}) as { request?: UndiciRequest; socket?: object };
    if (request === undefined || socket === undefined || socket === null || partsLoaded() !== true) return;
    const steer = steering().steeredRequests.get(request);
    if (steer === undefined || steering().sameSteer(steering().judgedSockets.get(socket), steer)) return;
    const refusal = steering().judgeSocket(steer, originHost(request.origin), socket);
    if (refusal === undefined) return;
    // Set by undici when the request got its connection; it fails the request with our
    // error and destroys the socket, so the headers about to be written go nowhere.
    if (typeof request.abort === 'function') (request.abort as (err: Error) => void)(refusal);
    else (socket as { destroy(err: Error): void }).destroy(refusal);
  } catch (error) {
    internalError('undici:client:sendHeaders', error);
  }
}

const CREATE = 'undici:request:create';
const SEND_HEADERS = 'undici:client:sendHeaders';
// Held strongly: Node keeps channels weakly, and a collected channel loses its subscribers.
let channels: { create: diagnostics.Channel; sendHeaders: diagnostics.Channel } | undefined;

export function subscribeUndici(dc: typeof diagnostics): void {
  if (channels !== undefined) return;
  channels = { create: dc.channel(CREATE), sendHeaders: dc.channel(SEND_HEADERS) };
  channels.create.subscribe(onRequestCreate);
  channels.sendHeaders.subscribe(onSendHeaders);
}

export function unsubscribeUndici(): void {
  if (channels === undefined) return;
  channels.create.unsubscribe(onRequestCreate);
  channels.sendHeaders.unsubscribe(onSendHeaders);
  channels = undefined;
}
