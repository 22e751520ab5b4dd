// Enters a request context for every request of every http/https server, whatever
// framework sits on top: the 'request' event is where Node hands the app a request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestContexts } from '../../context/lazy-context';
import { contextStore } from '../../context/store';
import { agentState } from '../../state';
import type { BuiltinHook } from '../types';
import { unwrapMethod, wrapMethod } from '../wrap';

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

function wrapEmit(original: Emit): Emit {
  return function emit(this: unknown, event: string | symbol): boolean {
    // `arguments` passes the call through without copying it on every server event.
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as Parameters<Emit>;
    if (event !== 'request') return original.apply(this, args);
    const state = agentState();
    if (state === undefined) return original.apply(this, args);
    const ctx = new (requestContexts().RequestContext)(state.config.limits, args[1] as IncomingMessage, args[2] as ServerResponse);
    return contextStore.run(ctx, () => original.apply(this, args));
  };
}

function serverHook(module: 'http' | 'https'): BuiltinHook {
  return {
    module,
    patch(exports) {
      wrapMethod((exports as typeof import('node:http')).Server.prototype, 'emit', wrapEmit);
    },
    unpatch(exports) {
      unwrapMethod((exports as typeof import('node:http')).Server.prototype, 'emit');
    },
  };
}

export const httpServerHook = serverHook('http');
export const httpsServerHook = serverHook('https');
