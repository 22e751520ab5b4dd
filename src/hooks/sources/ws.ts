// WebSocket messages on a `ws` server are untrusted input arriving long after the HTTP
// upgrade. Each 'message' event of a server-side socket runs its listeners in a fresh
// context whose inputs are the message (the text, or the parsed JSON when it parses)
// plus the upgrade request's query, headers, cookies and bearer claims. The
// 'connection' callback runs in a context of the upgrade request.
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { InputSource, UserInput } from '../../detect/types';
import { contextStore } from '../../context/store';
import { addString, fitsBytes, walkInputs, type WalkBudget } from '../../context/walk';
import { openContext } from '../../guard-gates';
import { declareHook, prototypeOf } from '../methods-hook';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Sockets accepted by a WebSocketServer, with the request that upgraded them. */
const upgrades = new WeakMap<object, IncomingMessage>();
const MESSAGE = Symbol('ws.message');

/** Text of a message as ws delivers it (Buffer, ArrayBuffer, fragments, string), if within the byte budget. */
function messageText(data: unknown, budget: WalkBudget): string | undefined {
  if (typeof data === 'string') return data;
  const fragments = Buffer.isBuffer(data) ? [data] : data instanceof ArrayBuffer ? [Buffer.from(data)] : Array.isArray(data) && data.every((d) => Buffer.isBuffer(d)) ? (data as Buffer[]) : undefined;
  if (fragments === undefined) return undefined;
  const total = fragments.reduce((n, d) => n + d.length, 0);
  // Checked before the fragments are joined: a message past the bound is never copied.
  if (!fitsBytes(budget, total, 'websocket', '')) return undefined;
  // Binary frames are decoded too: the client chooses the frame type.
  return (fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments, total)).toString('utf8');
}

function collectMessage(data: unknown, source: InputSource, path: string, budget: WalkBudget, out: UserInput[]): void {
  const text = messageText(data, budget);
  if (text === undefined) return;
  const first = text.trimStart().charCodeAt(0);
  if (first === 123 || first === 91) {
    // `{` or `[`: most WebSocket apps speak JSON; its strings are the inputs.
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) {
      walkInputs(parsed, source, path, budget, out);
      return;
    }
  }
  addString(text, source, path, budget, out);
}

function wrapEmit(original: AnyFunction): AnyFunction {
  return function emit(this: unknown, event: unknown, data: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    if (event !== 'message') return original.apply(this, args);
    const req = upgrades.get(this as object);
    const ctx = req === undefined ? undefined : openContext(req);
    if (ctx === undefined) return original.apply(this, args);
    ctx.setLateValue(MESSAGE, 'websocket', '', data, collectMessage);
    return contextStore.run(ctx, () => original.apply(this, args));
  };
}

function wrapCompleteUpgrade(original: AnyFunction): AnyFunction {
  return function completeUpgrade(this: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments) as unknown[];
    const cb = args[6];
    if (typeof cb === 'function') {
      args[6] = function onUpgraded(this: unknown, socket: unknown, req: IncomingMessage) {
        // eslint-disable-next-line prefer-rest-params
        const cbArgs = arguments as unknown as unknown[];
        if (socket !== null && typeof socket === 'object') upgrades.set(socket, req);
        const ctx = openContext(req);
        if (ctx === undefined) return (cb as AnyFunction).apply(this, cbArgs);
        return contextStore.run(ctx, () => (cb as AnyFunction).apply(this, cbArgs));
      };
    }
    return original.apply(this, args);
  };
}

interface WsExports {
  prototype?: object;
  WebSocketServer?: { prototype?: object };
  Server?: { prototype?: object };
}

/**
 * The server class hangs off the CommonJS export (index.js sets `WebSocket.WebSocketServer`);
 * the ESM build (wrapper.mjs) imports lib/websocket-server.js directly and hands the hook
 * the bare WebSocket class: the server then comes from that sibling file, which is the
 * same module instance the ESM build imported. Unpatch undoes the prototype found here.
 */
function serverPrototype(loaded: unknown, basedir: string | undefined): object | undefined {
  const ws = loaded as WsExports;
  const attached = (ws.WebSocketServer ?? ws.Server)?.prototype;
  if (attached !== undefined || basedir === undefined) return attached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(join(basedir, 'lib', 'websocket-server.js')) as { prototype?: object }).prototype;
  } catch {
    return undefined;
  }
}

export const wsHook = declareHook({
  module: 'ws',
  versions: '8.x',
  targets: [
    { at: prototypeOf, wrap: { emit: wrapEmit } },
    { at: serverPrototype, wrap: { completeUpgrade: wrapCompleteUpgrade } },
  ],
});
