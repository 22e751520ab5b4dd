// Enters a request context for every request of every http/https server, whatever
// framework sits on top: the 'request' event is where Node hands the app a request.
// A declared hook whose "method" is the server's emit: Server.prototype.emit is the one
// place every request passes, so the shape's method table holds it like any sink's method.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contextStore } from '../../context/store';
import { openContext } from '../../guard-gates';
import { declareBuiltinHook } from '../methods-hook';

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

function wrapEmit(original: Emit): Emit {
  return function emit(this: unknown, event: string | symbol): boolean {
    // `arguments` passes the call through without copying it on every server event.
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as Parameters<Emit>;
    if (event !== 'request') return original.apply(this, args);
    const ctx = openContext(args[1] as IncomingMessage, args[2] as ServerResponse);
    if (ctx === undefined) return original.apply(this, args);
    return contextStore.run(ctx, () => original.apply(this, args));
  };
}

const serverPrototype = (http: unknown): object => (http as typeof import('node:http')).Server.prototype;

export const httpServerHook = declareBuiltinHook({ module: 'http', targets: [{ at: serverPrototype, wrap: { emit: wrapEmit } }] });
export const httpsServerHook = declareBuiltinHook({ module: 'https', targets: [{ at: serverPrototype, wrap: { emit: wrapEmit } }] });
