// Form fields parsed by @fastify/busboy, the parser behind @fastify/multipart. Apps read
// them from the parts (`await request.file()` then `data.fields.name.value`, or
// `for await (const part of request.parts())`), which never land on request.body, so
// they are taken where busboy emits them: each text field is a `body` input named by its
// field name (a field sent as application/json is parsed, `meta.tags.0`). Busboy is
// created inside the request (by the route or a preValidation hook) but parses from the
// socket's 'data' events, outside it: the context is remembered per parser instance.
import type { RequestContext } from '../../context/request-context';
import { currentContext } from '../../context/store';
import { inputLimits } from '../../guard-gates';
import { declareHook } from '../methods-hook';

interface ParserState {
  readonly ctx: RequestContext;
  /** Fields still accepted: a form with a million fields does not grow the pending list past the input budget. */
  fieldsLeft: number;
}

const parsers = new WeakMap<object, ParserState>();

type Method = (this: object, ...args: unknown[]) => unknown;

function wrapGetParserByHeaders(original: Method): Method {
  // Called once by the Busboy constructor, synchronously where the app created it.
  return function getParserByHeaders(this: object) {
    const ctx = currentContext();
    const limits = inputLimits();
    if (ctx !== undefined && limits !== undefined) parsers.set(this, { ctx, fieldsLeft: limits.maxInputs });
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

function fieldValue(value: string, contentType: unknown): unknown {
  if (typeof contentType !== 'string' || !contentType.startsWith('application/json')) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // @fastify/multipart rejects it; the text is still what the client sent
  }
}

function wrapEmit(original: Method): Method {
  // 'field' arguments: name, value, nameTruncated, valueTruncated, transfer encoding, content type.
  return function emit(this: object, event: unknown, name: unknown, value: unknown) {
    if (event === 'field' && typeof name === 'string' && typeof value === 'string') {
      const state = parsers.get(this);
      if (state !== undefined) {
        // Past the bound the request's sink calls are refused (input-limit), never unchecked.
        if (state.fieldsLeft-- > 0) {
          // eslint-disable-next-line prefer-rest-params
          state.ctx.addInput('body', name, fieldValue(value, arguments[6]));
        } else if (state.fieldsLeft === -1) state.ctx.reachedInputLimit('maxInputs', 'body', name);
      }
    }
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

function busboyPrototype(loaded: unknown): object | undefined {
  const proto = (loaded as { prototype?: { getParserByHeaders?: unknown; emit?: unknown } } | undefined)?.prototype;
  return proto !== undefined && typeof proto.getParserByHeaders === 'function' && typeof proto.emit === 'function' ? proto : undefined;
}

export const fastifyBusboyHook = declareHook({
  module: '@fastify/busboy',
  versions: '3.x',
  targets: [{ at: busboyPrototype, wrap: { getParserByHeaders: wrapGetParserByHeaders, emit: wrapEmit } }],
});
