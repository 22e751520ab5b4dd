// Fastify keeps parsed inputs on its own request object, not on Node's: `request.body`,
// `request.params`, `request.query`, `request.cookies` (@fastify/cookie). Fastify
// announces every new instance on the 'fastify.initialization' diagnostics channel; the
// subscriber adds one onRequest hook that hands the fastify request to the context (two
// field writes per request, nothing read until a sink check), and makes the app's content
// type parsers run in the request's context (fastify calls them from the body stream's
// 'end' event, outside it). Subscribing to the channel works whether fastify is required,
// imported or loaded before rampart started.
import type * as DiagnosticsChannel from 'node:diagnostics_channel';
import type { FrameworkAdapter, RequestContext } from '../../context/request-context';
import { contextStore, currentContext } from '../../context/store';
import { quietBlockedErrors } from '../../block/quiet-logger';
import { declareBuiltinHook } from '../methods-hook';

const CHANNEL = 'fastify.initialization';

interface FastifyRequestLike {
  log?: unknown;
  raw?: { headers?: Record<string, unknown> };
  body?: unknown;
  params?: unknown;
  query?: unknown;
  cookies?: unknown;
  routeOptions?: { url?: unknown };
}

interface FastifyInstanceLike {
  addHook(name: string, hook: (request: FastifyRequestLike, reply: unknown, done: () => void) => void): unknown;
  addContentTypeParser?: (...args: unknown[]) => unknown;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The context of each fastify request, for content type parsers: fastify calls them from
 * the body stream's 'end' event, which runs outside the request's async context. Kept only
 * once an app has added a parser: an insertion into a WeakMap costs about a microsecond,
 * a tenth of a hello-world request's whole time in fastify.
 */
const contexts = new WeakMap<object, RequestContext>();
let parsersWrapped = false;

/**
 * request.body, except the part objects @fastify/multipart's `attachFieldsToBody: true`
 * puts there: each points back at the whole body (`fields`), so a walk would revisit the
 * body at every level, and their fields are collected where busboy parses them
 * (busboy.ts). Only multipart requests pay for the look at the first field.
 */
function bodyOf(r: FastifyRequestLike): unknown {
  const body = r.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const type = r.raw?.headers?.['content-type'];
  if (typeof type !== 'string' || !type.startsWith('multipart/')) return body;
  for (const key in body) {
    const first = (body as Record<string, unknown>)[key];
    const part = (Array.isArray(first) ? first[0] : first) as { fields?: unknown } | null | undefined;
    return part !== null && typeof part === 'object' && part.fields === body ? undefined : body;
  }
  return body;
}

export const FASTIFY_ADAPTER: FrameworkAdapter<FastifyRequestLike> = {
  name: 'fastify',
  sources: [
    { source: 'body', path: '', read: bodyOf },
    { source: 'params', path: '', read: (r) => r.params },
    // Parsed from the same query string and Cookie header rampart reads itself: only
    // values the parser produced differently (a custom querystringParser) are added.
    { source: 'query', path: '', read: (r) => r.query, dedupe: true },
    { source: 'cookies', path: '', read: (r) => r.cookies, dedupe: true },
  ],
  // routeOptions is a getter that builds an object: read only when a finding is reported.
  route: (r) => {
    const url = r.routeOptions?.url;
    return typeof url === 'string' ? url : undefined;
  },
  // Fastify logs the refusal a route rejects with (after rampart's 403 went out) as an
  // error with its stack, and a synchronous route's throw as "reply was already sent":
  // `reply.log` is the request's logger.
  onBlocked: (r) => quietBlockedErrors(r.log, ['FST_ERR_REP_ALREADY_SENT']),
};

let active = false;

// A plain function with `done`: fastify calls it without creating a promise.
function rampartOnRequest(request: FastifyRequestLike, _reply: unknown, done: () => void): void {
  if (active) {
    const ctx = currentContext();
    // Only the context of this very request (fastify.inject() runs without one).
    if (ctx !== undefined && ctx.req === request.raw) {
      ctx.attach(FASTIFY_ADAPTER, request);
      if (parsersWrapped) contexts.set(request, ctx);
    }
  }
  done();
}

/** Runs an app's content type parser in its request's context (an XML parser, a sink in a parser). */
function inRequestContext(parser: AnyFunction): AnyFunction {
  const wrapped = function (this: unknown, request: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    const ctx = active && request !== null && typeof request === 'object' ? contexts.get(request) : undefined;
    if (ctx === undefined || ctx === currentContext()) return parser.apply(this, args);
    return contextStore.run(ctx, () => parser.apply(this, args));
  };
  // fastify tells promise parsers `(request, body)` from callback ones by their length.
  Object.defineProperty(wrapped, 'length', { value: parser.length });
  Object.defineProperty(wrapped, 'name', { value: parser.name });
  return wrapped;
}

function wrapAddContentTypeParser(fastify: FastifyInstanceLike): void {
  const original = fastify.addContentTypeParser;
  if (typeof original !== 'function') return;
  // An own method of the instance object; plugin instances inherit it.
  fastify.addContentTypeParser = function addContentTypeParser(this: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments) as unknown[];
    const at = typeof args[1] === 'function' ? 1 : 2; // (type, parser) or (type, options, parser)
    if (typeof args[at] === 'function') {
      args[at] = inRequestContext(args[at] as AnyFunction);
      parsersWrapped = true;
    }
    return original.apply(this, args);
  };
}

function onInitialization(message: unknown): void {
  const fastify = (message as { fastify?: FastifyInstanceLike } | undefined)?.fastify;
  if (!active || fastify === undefined || typeof fastify.addHook !== 'function') return;
  try {
    fastify.addHook('onRequest', rampartOnRequest);
    wrapAddContentTypeParser(fastify);
  } catch {
    // A fastify that refuses hooks at this point: its requests keep the raw inputs.
  }
}

// No method of fastify's is wrapped: the hook is a subscription to fastify's own
// initialization channel, declared as the shape's `also` so unpatch comes from it too.
export const fastifyHook = declareBuiltinHook({
  module: 'diagnostics_channel',
  targets: [],
  also: {
    patch(loaded) {
      active = true;
      (loaded as typeof DiagnosticsChannel).subscribe(CHANNEL, onInitialization);
    },
    unpatch(loaded) {
      // Instances made meanwhile keep the hook; it does nothing once stopped.
      active = false;
      (loaded as typeof DiagnosticsChannel).unsubscribe(CHANNEL, onInitialization);
    },
  },
});
