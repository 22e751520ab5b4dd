// HTTP/2 servers: the compatibility API's 'request' event gets a context like http's,
// and the core API's 'stream' event gets one built from the stream's headers, so apps
// that answer streams directly are protected too. Both events are emitted by the server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { contextStore } from '../../context/store';
import { openContext } from '../../guard-gates';
import { DiscoveredPrototypes } from '../discovered';
import { declareBuiltinHook } from '../methods-hook';

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
    // Http2ServerRequest/Response have the url, method, headers and response methods the
    // context uses; a raw stream gets request- and response-shaped views of itself.
    const ctx =
      event === 'request'
        ? openContext(args[1] as IncomingMessage, args[2] as ServerResponse)
        : openContext(
            new StreamRequest(args[2] as IncomingHttpHeaders, args[1] as ServerHttp2Stream) as unknown as IncomingMessage,
            new StreamResponse(args[1] as ServerHttp2Stream) as unknown as ServerResponse,
          );
    if (ctx === undefined) return original.apply(this, args);
    return contextStore.run(ctx, () => original.apply(this, args));
  };
}

// Http2Server and Http2SecureServer are not exported. The plain one's prototype is reached
// through an instance that never listens (no handle is opened). A secure instance would
// build a TLS context at every start (about 1.5 % of `node -e 0`'s instructions and
// 0.5 MiB): its prototype is patched instead when createSecureServer, the only way to one,
// first returns an instance, before the app holds it.
const plainServer = (http2: unknown): object => Object.getPrototypeOf((http2 as typeof import('node:http2')).createServer()) as object;
const secureServers = new DiscoveredPrototypes();

export const http2ServerHook = declareBuiltinHook({
  module: 'http2',
  targets: [
    { at: plainServer, wrap: { emit: wrapEmit } },
    { at: (http2) => http2 as object, wrap: { createSecureServer: secureServers.returning({ emit: wrapEmit }) } },
  ],
  also: secureServers.lifecycle,
});
