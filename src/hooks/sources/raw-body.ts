// Observes the bytes Node's HTTP parser pushes into each request stream, for the request's
// raw-body input (context/raw-body.ts). The chunk is passed on untouched: the app reads
// exactly what it would without rampart, in the same events. The push runs in the
// request's context: the parser pushes from the connection's context, so without this a
// route that reads the stream itself (`req.on('data')`, `for await (const chunk of req)`)
// would run its 'data' and 'end' listeners, and the sink calls in them, outside the request.
import { requestContexts } from '../../context/lazy-context';
import { CONTEXT_OF_REQUEST } from '../../context/request-key';
import { contextStore, currentContext } from '../../context/store';
import { declareBuiltinHook } from '../methods-hook';

type Push = (this: unknown, chunk: unknown, encoding?: unknown) => boolean;

function wrapPush(original: Push): Push {
  return function push(this: unknown, chunk: unknown): boolean {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as Parameters<Push>;
    // A stream without the key has no context: answered without loading the context classes.
    const ctx = (this as Record<symbol, unknown>)[CONTEXT_OF_REQUEST] === undefined ? undefined : requestContexts().contextOfRequest(this);
    if (ctx === undefined) return original.apply(this, args);
    if (chunk !== null && chunk !== undefined) ctx.observeBody(chunk);
    if (currentContext() === ctx) return original.apply(this, args);
    return contextStore.run(ctx, () => original.apply(this, args));
  };
}

export const rawBodyHook = declareBuiltinHook({
  module: 'http',
  targets: [{ at: (http) => (http as typeof import('node:http')).IncomingMessage.prototype, wrap: { push: wrapPush } }],
});
