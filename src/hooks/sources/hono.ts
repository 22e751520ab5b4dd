// Hono parses inputs on demand, inside its own request object: `c.req.param()`,
// `c.req.json()`, `c.req.parseBody()` (urlencoded and multipart), `c.req.text()`,
// `c.req.formData()`. The wrappers of those HonoRequest methods store each result on
// the request context as a late value (walked at the next sink check, not now). Query
// and headers come from Node's request, which @hono/node-server hands to rampart's
// http hook. HonoRequest is not exported by 'hono'; its prototype is reached through
// the exported Context class.
import type { InputSource, UserInput } from '../../detect/types';
import type { FrameworkAdapter, RequestContext } from '../../context/request-context';
import { walkCollector } from '../../context/late';
import { currentContext } from '../../context/store';
import { addString, type WalkBudget } from '../../context/walk';
import { declareHook } from '../methods-hook';

interface HonoRequestLike {
  readonly routePath?: unknown;
}

const HONO_ADAPTER: FrameworkAdapter<HonoRequestLike> = {
  name: 'hono',
  sources: [],
  route: (r) => (typeof r.routePath === 'string' ? r.routePath : undefined),
};

const JSON_KEY = Symbol('hono.json');
const TEXT_KEY = Symbol('hono.text');
const PARSED_KEY = Symbol('hono.parseBody');
const FORM_KEY = Symbol('hono.formData');
const PARAMS_KEY = Symbol('hono.params');

/** FormData entries as `body` inputs; files are not text the client typed into a field. */
function collectFormData(value: unknown, source: InputSource, path: string, budget: WalkBudget, out: UserInput[]): void {
  const form = value as { forEach?: (fn: (v: unknown, k: string) => void) => void };
  if (typeof form.forEach !== 'function') return;
  let open = true;
  form.forEach((v, k) => {
    if (open && typeof v === 'string') open = addString(v, source, path.length === 0 ? k : `${path}.${k}`, budget, out);
  });
}

/** Stores a parsed result on the request context as a late value, naming Hono's request for its route. */
function store(ctx: RequestContext, self: HonoRequestLike, key: unknown, source: InputSource, path: string, value: unknown, form: boolean): void {
  ctx.attach(HONO_ADAPTER, self);
  ctx.setLateValue(key, source, path, value, form ? collectFormData : walkCollector);
}

type Method = (this: HonoRequestLike, ...args: unknown[]) => unknown;

/**
 * A body reader (json, text, parseBody, formData): what its promise resolves to is stored
 * without changing the promise the app gets. Our reaction is attached before the app's
 * await, so it runs first.
 */
function bodyReader(key: symbol, form = false): (original: Method) => Method {
  return (original) =>
    function (this: HonoRequestLike) {
      // eslint-disable-next-line prefer-rest-params
      const result = original.apply(this, arguments as unknown as unknown[]);
      const ctx = currentContext();
      if (ctx === undefined || result === null || typeof (result as { then?: unknown })?.then !== 'function') return result;
      (result as Promise<unknown>).then((value) => store(ctx, this, key, 'body', '', value, form), () => undefined);
      return result;
    };
}

const WRAPPERS: Record<string, (original: Method) => Method> = {
  param: (original) =>
    function param(this: HonoRequestLike, key?: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const result = original.apply(this, arguments as unknown as unknown[]);
      const ctx = currentContext();
      // One slot per parameter name: equal strings compare equal, so no re-walk.
      if (ctx !== undefined) {
        if (typeof key === 'string') store(ctx, this, `hono.param.${key}`, 'params', key, result, false);
        else store(ctx, this, PARAMS_KEY, 'params', '', result, false);
      }
      return result;
    },
  json: bodyReader(JSON_KEY),
  text: bodyReader(TEXT_KEY),
  parseBody: bodyReader(PARSED_KEY),
  formData: bodyReader(FORM_KEY, true),
};

function honoRequestPrototype(loaded: unknown): object | undefined {
  const Context = (loaded as { Context?: unknown } | undefined)?.Context;
  if (typeof Context !== 'function' || typeof Request !== 'function') return undefined;
  try {
    const c = new (Context as new (req: Request) => { req: object })(new Request('http://localhost/'));
    const proto = Object.getPrototypeOf(c.req) as object | null;
    return proto !== null && typeof (proto as { param?: unknown }).param === 'function' ? proto : undefined;
  } catch {
    return undefined;
  }
}

export const honoHook = declareHook({
  module: 'hono',
  versions: '4.x',
  targets: [{ at: honoRequestPrototype, wrap: WRAPPERS }],
});
