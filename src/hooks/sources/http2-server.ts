// HTTP/2 servers: the compatibility API's 'request' event gets a context like http's,
// and the core API's 'stream' event gets one built from the stream's headers, so apps
// that answer streams directly are protected too. Both events are emitted by the server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { requestContexts } from '../../context/lazy-context';
import type { RequestContext } from '../../context/request-context';
import { contextStore } from '../../context/store';
import { agentState } from '../../state';
import type { BuiltinHook } from '../types';
import { unwrapMethod, wrapMethod } from '../wrap';

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/** The request-shaped view of a raw stream that the context and the block response read. */
class StreamRequest {
  constructor(
    readonly headers: IncomingHttpHeaders,
    private readonly stream: ServerHttp2Stream,
  ) {}

  get method(): string | undefined {
    const method = this.headers[':method'];
    return typeof method === 'string' ? method : undefined;
  }

  get url(): string | undefined {
    const path = this.headers[':path'];
    return typeof path === 'string' ? path : undefined;
  }

  get socket(): unknown {
    return this.stream.session?.socket;
  }
}

const STREAM_METHODS = ['respond', 'respondWithFD', 'respondWithFile', 'additionalHeaders', 'write', 'end'] as const;

/**
 * Just enough of ServerResponse for the block response: it answers on the stream, then
 * makes the stream's own answering methods inert so the app's error path (a 500 after
 * catching RampartBlockedError) neither reaches the client nor throws "headers sent".
 */
class StreamResponse {
  private status = 0;
  private pendingHeaders: Record<string, string | number> = {};

  constructor(private readonly stream: ServerHttp2Stream) {}

  get headersSent(): boolean {
    return this.stream.headersSent;
  }

  get writableEnded(): boolean {
    return this.stream.writableEnded || this.stream.destroyed;
  }

  getHeaderNames(): string[] {
    return [];
  }

  removeHeader(): void {}

  writeHead(status: number, headers: Record<string, string | number>): this {
    this.status = status;
    this.pendingHeaders = headers;
    return this;
  }

  end(body?: string): this {
    const stream = this.stream;
    if (!stream.destroyed && !stream.closed) {
      if (!stream.headersSent && this.status !== 0) stream.respond({ ':status': this.status, ...this.pendingHeaders });
      if (!stream.writableEnded) stream.end(body);
    }
    const target = stream as unknown as Record<string, unknown>;
    for (const name of STREAM_METHODS) {
      target[name] = function (this: unknown) {
        // eslint-disable-next-line prefer-rest-params
        const last = arguments[arguments.length - 1];
        if (typeof last === 'function') process.nextTick(last as () => void);
        return name === 'write' ? true : this;
      };
    }
    return this;
  }
}

function wrapEmit(original: Emit): Emit {
  return function emit(this: unknown, event: string | symbol): boolean {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as Parameters<Emit>;
    if (event !== 'request' && event !== 'stream') return original.apply(this, args);
    const state = agentState();
    if (state === undefined) return original.apply(this, args);
    let ctx: RequestContext;
    const { RequestContext } = requestContexts();
    if (event === 'request') {
      // Http2ServerRequest/Response have the url, method, headers and response methods the context uses.
      ctx = new RequestContext(state.config.limits, args[1] as IncomingMessage, args[2] as ServerResponse);
    } else {
      const stream = args[1] as ServerHttp2Stream;
      const headers = args[2] as IncomingHttpHeaders;
      ctx = new RequestContext(
        state.config.limits,
        new StreamRequest(headers, stream) as unknown as IncomingMessage,
        new StreamResponse(stream) as unknown as ServerResponse,
      );
    }
    return contextStore.run(ctx, () => original.apply(this, args));
  };
}

// Http2Server and Http2SecureServer are not exported; their prototypes are reached
// through instances that never listen (no handle is opened).
function serverPrototypes(http2: typeof import('node:http2')): object[] {
  return [Object.getPrototypeOf(http2.createServer()) as object, Object.getPrototypeOf(http2.createSecureServer()) as object];
}

export const http2ServerHook: BuiltinHook = {
  module: 'http2',
  patch(loaded) {
    for (const proto of serverPrototypes(loaded as typeof import('node:http2'))) wrapMethod(proto, 'emit', wrapEmit);
  },
  unpatch(loaded) {
    for (const proto of serverPrototypes(loaded as typeof import('node:http2'))) unwrapMethod(proto, 'emit');
  },
};
