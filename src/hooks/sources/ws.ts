// WebSocket messages on a `ws` server are untrusted input arriving long after the HTTP
// upgrade. Each 'message' event of a server-side socket runs its listeners in a fresh
// context whose inputs are the message (the text, or the parsed JSON when it parses)
// plus the upgrade request's query, headers, cookies and bearer claims. The
// 'connection' callback runs in a context of the upgrade request.
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { InputSource, UserInput } from '../../detect/types';
import { RequestContext } from '../../context/request-context';
import { contextStore } from '../../context/store';
import { addString, exceed, walkInputs, type WalkBudget } from '../../context/walk';
import { agentState } from '../../state';
import type { ModuleHook } from '../types';
import { unwrapMethod, wrapMethod } from '../wrap';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Sockets accepted by a WebSocketServer, with the request that upgraded them. */
const upgrades = new WeakMap<object, IncomingMessage>();
const MESSAGE = Symbol('ws.message');

/** Text of a message as ws delivers it (Buffer, ArrayBuffer, fragments, string), if within the byte budget. */
function messageText(data: unknown, budget: WalkBudget): string | undefined {
  if (typeof data === 'string') return data;
  let bytes: Buffer | undefined;
  if (Buffer.isBuffer(data)) bytes = data;
  else if (data instanceof ArrayBuffer) bytes = Buffer.from(data);
  else if (Array.isArray(data) && data.every((d) => Buffer.isBuffer(d))) {
    const total = (data as Buffer[]).reduce((n, d) => n + d.length, 0);
    if (total > budget.bytesLeft) {
      exceed(budget, 'maxBytes', 'websocket', '');
      return undefined;
    }
    bytes = Buffer.concat(data as Buffer[], total);
  }
  if (bytes === undefined) return undefined;
  if (bytes.length > budget.bytesLeft) {
    exceed(budget, 'maxBytes', 'websocket', '');
    return undefined;
  }
  // Binary frames are decoded too: the client chooses the frame type.
  return bytes.toString('utf8');
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
    const state = agentState();
    if (req === undefined || state === undefined) return original.apply(this, args);
    const ctx = new RequestContext(state.config.limits, req);
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
        const state = agentState();
        if (state === undefined) return (cb as AnyFunction).apply(this, cbArgs);
        return contextStore.run(new RequestContext(state.config.limits, req), () => (cb as AnyFunction).apply(this, cbArgs));
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

/** The server prototype found for each patched export, so unpatch finds it without basedir. */
const servers = new WeakMap<object, object>();

/**
 * The server class hangs off the CommonJS export (index.js sets `WebSocket.WebSocketServer`);
 * the ESM build (wrapper.mjs) imports lib/websocket-server.js directly and hands the hook
 * the bare WebSocket class: the server then comes from that sibling file, which is the
 * same module instance the ESM build imported.
 */
function serverPrototype(ws: WsExports, basedir: string | undefined): object | undefined {
  const attached = (ws.WebSocketServer ?? ws.Server)?.prototype;
  if (attached !== undefined || basedir === undefined) return attached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(join(basedir, 'lib', 'websocket-server.js')) as { prototype?: object }).prototype;
  } catch {
    return undefined;
  }
}

function prototypes(loaded: unknown, basedir?: string): { socket: object | undefined; server: object | undefined } {
  const ws = loaded as WsExports | undefined;
  if (ws === undefined || ws === null) return { socket: undefined, server: undefined };
  const server = servers.get(ws) ?? serverPrototype(ws, basedir);
  if (server !== undefined) servers.set(ws, server);
  return { socket: ws.prototype, server };
}

export const wsHook: ModuleHook = {
  module: 'ws',
  versions: '8.x',
  patch(loaded, basedir) {
    const { socket, server } = prototypes(loaded, basedir);
    if (socket === undefined || server === undefined) return;
    wrapMethod(socket, 'emit', wrapEmit);
    wrapMethod(server, 'completeUpgrade', wrapCompleteUpgrade);
  },
  unpatch(loaded) {
    const { socket, server } = prototypes(loaded);
    if (socket !== undefined) unwrapMethod(socket, 'emit');
    if (server !== undefined) unwrapMethod(server, 'completeUpgrade');
  },
};
