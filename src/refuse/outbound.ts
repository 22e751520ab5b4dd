// What a refused outbound call hands back when it is refused before any connection exists
// (the host is an IP literal that user input steers to an internal address): the object
// the API returns (a ClientRequest, an http2 session) built by the original function, with
// a socket that never connects and then fails with the refusal, so the app sees 'error'
// and 'close' as for a connection that could not be made. No connection is attempted.
import { Socket } from 'node:net';
import type { RampartBlockedError } from '../errors';
import { deliverableError } from './index';

type AnyFunction = (...args: any[]) => any;

/**
 * A socket that stays "connecting" (so whatever is written waits in it) and fails a
 * macrotask later; `owner` is what the app holds (the request or session) once built.
 */
function neverConnects(error: RampartBlockedError, owner: { current?: unknown }): Socket {
  const socket = new Socket();
  (socket as { connecting: boolean }).connecting = true;
  // What the client writes meanwhile (the request head) is dropped, never queued: Node 24+
  // fails a write still waiting for the connection with ERR_SOCKET_CLOSED_BEFORE_CONNECTION
  // when the socket is destroyed, and that error would reach the app before the refusal.
  const dropped = socket as unknown as { _write: (chunk: unknown, encoding: unknown, done: () => void) => void; _writev: (chunks: unknown, done: () => void) => void };
  dropped._write = (_chunk, _encoding, done) => done();
  dropped._writev = (_chunks, done) => done();
  setImmediate(() => {
    deliverableError(owner.current);
    deliverableError(socket);
    socket.destroy(error);
  });
  return socket;
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !(value instanceof URL);
}

/**
 * Calls `original` (http.request/get, http2.connect) with the app's arguments plus a
 * `createConnection` that hands out a socket that never connects. The options object is
 * a copy: the app's own is left as it was.
 */
export function refusedConnection(original: AnyFunction, self: unknown, args: ArrayLike<unknown>, error: RampartBlockedError): unknown {
  const owner: { current?: unknown } = {};
  const failing = { agent: undefined, createConnection: () => neverConnects(error, owner) };
  const list = Array.prototype.slice.call(args) as unknown[];
  // (options, cb) or (url, options?, cb?): the first plain object is the options.
  const at = isObject(list[0]) ? 0 : isObject(list[1]) ? 1 : -1;
  if (at === -1) list.splice(1, 0, failing);
  else list[at] = { ...list[at]!, ...failing };
  owner.current = original.apply(self, list);
  return owner.current;
}
