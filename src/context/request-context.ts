// Everything rampart knows about one unit of untrusted work (an HTTP request, a WebSocket
// message, a queue message): its identity for events, and its user inputs, collected
// lazily at the first sink check and cached, so requests that never reach a sink pay
// nothing beyond this small object.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InputSource, UserInput } from '../detect/types';
import type { LimitsConfig } from '../config/types';
import { parseCookieHeader } from './cookies';
import { CONTEXT_OF_REQUEST } from './request-key';
import { collectAuthorization } from './authorization';
import { clientHeaderNames } from './client-headers';
import { LateSlot, walkCollector, type Collector, type FrameworkAdapter } from './late';
import { collectQuery } from './query-string';
import { MultipartFields, collectMultipart } from './multipart-fields';
import { RawBody, collectRawBody, isMultipart } from './raw-body';
import { addString, exceed, isPlainWord, isPlainWordAt, walkInputs, type InputLimitHit, type WalkBudget } from './walk';

/** The memory bounds of input collection (the rest of LimitsConfig bounds the checks). */
type CollectionLimits = Pick<LimitsConfig, 'maxInputs' | 'maxBytes'> & Partial<Pick<LimitsConfig, 'maxRawBody'>>;

export type { InputLimitHit } from './walk';

export type { Collector, FrameworkAdapter, FrameworkSource } from './late';

export interface BlockState {
  readonly requestId: string;
}

interface ExpressLike {
  body?: unknown;
  params?: unknown;
  baseUrl?: unknown;
  route?: { path?: unknown };
}

/**
 * Express (and any framework that keeps parsed data on Node's own request object, which
 * express does by extending IncomingMessage): `req.body` from body parsers, `req.params`
 * from the router, the route template from `req.baseUrl + req.route.path`. `req.query`
 * is left out on purpose: express 5 parses it anew on every read, and the raw query
 * string is collected already.
 */
export const NODE_REQUEST_ADAPTER: FrameworkAdapter<ExpressLike> = {
  name: 'node',
  // Read as own properties (body parsers and routers assign them on the request): looking
  // up a missing `body` walks Node's request prototypes, about half a microsecond per
  // request measured under load, for the many routes that have no body.
  sources: [
    { source: 'body', path: '', read: (req) => (Object.hasOwn(req, 'body') ? req.body : undefined) },
    { source: 'params', path: '', read: (req) => (Object.hasOwn(req, 'params') ? req.params : undefined) },
  ],
  route(req) {
    const path = req.route?.path;
    if (typeof path !== 'string') return undefined;
    return typeof req.baseUrl === 'string' ? req.baseUrl + path : path;
  },
};

interface PendingInput {
  readonly source: InputSource;
  readonly path: string;
  readonly value: unknown;
}

export class RequestContext {
  /** Node's request, or an object of the same shape (http2 compat request, a synthetic one for raw http2 streams). */
  readonly req: IncomingMessage | undefined;
  readonly res: ServerResponse | undefined;
  blocked: BlockState | undefined;

  private id: string | undefined;
  private explicitRoute: string | undefined;
  private readonly limits: CollectionLimits;
  private adapter: FrameworkAdapter | undefined;
  private target: unknown;
  private fixed: UserInput[] | undefined;
  private late: LateSlot[] | undefined;
  private pending: PendingInput[] | undefined;
  private marked: UserInput[] | undefined;
  private combined: readonly UserInput[] | undefined;
  private budget: WalkBudget | undefined;
  private distinct: readonly UserInput[] | undefined;
  private distinctOf: readonly UserInput[] | undefined;
  private fixedBySource: Map<InputSource, Set<string>> | undefined;

  private raw: RawBody | MultipartFields | undefined;

  constructor(limits: CollectionLimits, req?: IncomingMessage, res?: ServerResponse) {
    this.limits = limits;
    this.req = req;
    this.res = res;
    // Links the request to its context for the raw-body observer (one property write; a
    // WeakMap insertion per request measured far more).
    if (req !== undefined && typeof req === 'object') (req as unknown as Record<symbol, unknown>)[CONTEXT_OF_REQUEST] = this;
  }

  /** A chunk of the request body as Node's HTTP parser pushed it (hooks/sources/raw-body.ts). */
  observeBody(chunk: unknown): void {
    if (this.raw === undefined) {
      const type = this.contentType();
      const max = this.limits.maxRawBody ?? DEFAULT_RAW_BODY;
      if (isMultipart(type)) {
        // Only the text fields are kept; files stream past (context/multipart-fields.ts).
        const form = new MultipartFields(type!, max);
        this.raw = form;
        this.slots().push(new LateSlot('body', '', RAW_BODY, () => form.current(), undefined, undefined, collectMultipart, false));
      } else {
        const raw = new RawBody(max);
        this.raw = raw;
        this.slots().push(new LateSlot('body', '', RAW_BODY, () => raw.current(this.contentType()), undefined, undefined, collectRawBody, false));
      }
      this.combined = undefined;
    }
    this.raw.observe(chunk);
  }

  private contentType(): string | undefined {
    const type = this.req?.headers?.['content-type'];
    return typeof type === 'string' ? type : undefined;
  }

  get requestId(): string {
    // node:crypto is loaded here, at the first finding, not at start-up: most requests never need an id.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (this.id === undefined) this.id = (require('node:crypto') as typeof import('node:crypto')).randomUUID();
    return this.id;
  }

  get method(): string | undefined {
    return this.req?.method;
  }

  /** Path part of the request URL, undecoded. */
  get urlPath(): string | undefined {
    const url = this.req?.url;
    if (url === undefined) return undefined;
    const q = url.indexOf('?');
    return q === -1 ? url : url.slice(0, q);
  }

  /** Route template: set explicitly, or read from the framework when a finding needs it. */
  get route(): string | undefined {
    if (this.explicitRoute !== undefined) return this.explicitRoute;
    const adapter = this.adapter ?? (this.req === undefined ? undefined : NODE_REQUEST_ADAPTER);
    if (adapter?.route === undefined) return undefined;
    try {
      const route = adapter.route((this.target ?? this.req) as never);
      return typeof route === 'string' && route.length > 0 ? route : undefined;
    } catch {
      return undefined;
    }
  }

  set route(route: string | undefined) {
    this.explicitRoute = route;
  }

  /**
   * Tells the context where a framework keeps this request's parsed inputs (fastify's
   * request, koa's context). Costs two field writes; nothing is read until a sink check.
   * Replaces the default reading of Node's request (`req.body`, `req.params`).
   */
  attach<T>(adapter: FrameworkAdapter<T>, target: T): void {
    if (this.adapter === adapter && this.target === target) return;
    this.adapter = adapter;
    this.target = target;
    if (this.late !== undefined) {
      // Already checked once: swap the framework slots now, keep the value slots.
      const budget = this.walkBudget();
      this.late = this.late.filter((slot) => {
        const keep = slot.read === undefined || slot.key !== FRAMEWORK;
        if (!keep) slot.release(budget);
        return keep;
      });
      this.pushAdapterSlots(adapter, target);
      this.combined = undefined;
    }
  }

  /** Tells the attached framework that the request was blocked (FrameworkAdapter.onBlocked). */
  frameworkBlocked(): void {
    const adapter = this.adapter;
    if (adapter?.onBlocked !== undefined) adapter.onBlocked(this.target);
  }

  /** Registers a source read at each check; it is walked again only when its value changes. */
  addLateSource(source: InputSource, read: () => unknown): void {
    this.slots().push(new LateSlot(source, '', undefined, read, undefined, undefined, walkCollector, false));
    this.combined = undefined;
  }

  /**
   * Stores a value that arrived after the request started (a parsed XML document, a
   * GraphQL operation), under `key`: a later value with the same key replaces it. Not
   * walked until the next sink check.
   */
  setLateValue(key: unknown, source: InputSource, path: string, value: unknown, collect: Collector = walkCollector): void {
    const slots = this.slots();
    for (const slot of slots) {
      if (slot.key === key && slot.read === undefined) {
        slot.value = value;
        return;
      }
    }
    slots.push(new LateSlot(source, path, key, undefined, undefined, value, collect, false));
    this.combined = undefined;
  }

  /** Adds untrusted values the app knows about (`markUntrusted`, `withInput`); walked at the next check. */
  addInput(source: InputSource, path: string, value: unknown): void {
    if (value === undefined || value === null) return;
    (this.pending ??= []).push({ source, path, value });
    this.combined = undefined;
  }

  /**
   * Walks the raw body again when more of it arrived, unless a parser produced the body's
   * inputs already (the raw bytes then add nothing and are not even decoded). True when
   * the raw body's inputs changed.
   */
  private refreshRawBody(late: readonly LateSlot[]): boolean {
    const slot = late.find((s) => s.key === RAW_BODY);
    if (slot === undefined) return false;
    if (this.bodyParsed(late)) {
      if (slot.seen === undefined) return false;
      slot.release(this.walkBudget());
      slot.inputs = [];
      slot.seen = undefined;
      return true;
    }
    const value = slot.current();
    if (value === slot.seen) return false;
    slot.rewalk(value, this.walkBudget(), undefined);
    return true;
  }

  /**
   * Whether a parser (framework body, form fields, a marked body) produced inputs of the
   * body. A body kept as one string (express.text(), a text content-type parser) is not
   * parsed: the app parses it itself, and the raw body's JSON or form leaves are then needed.
   */
  private bodyParsed(late: readonly LateSlot[]): boolean {
    for (const slot of late) if (slot.key !== RAW_BODY && slot.source === 'body' && slot.inputs.length > 0 && typeof slot.seen !== 'string') return true;
    if (this.marked !== undefined) for (const input of this.marked) if (input.source === 'body') return true;
    if (this.pending !== undefined) for (const input of this.pending) if (input.source === 'body') return true;
    return false;
  }

  /**
   * Where this request's inputs went past a memory bound (`limits.maxInputs`,
   * `limits.maxBytes`), or undefined. Read after inputs(): the guard then refuses or
   * reports every sink call of the request, since some of its input was not collected.
   */
  get inputLimit(): InputLimitHit | undefined {
    return this.budget?.exceeded;
  }

  /** Records that input arriving outside a walk (a multipart field, raw body bytes) did not fit. */
  reachedInputLimit(bound: InputLimitHit['bound'], source: InputSource, path: string): void {
    exceed(this.walkBudget(), bound, source, path);
  }

  /** Every user input of this unit of work, decoded variants included. */
  inputs(): readonly UserInput[] {
    if (this.fixed === undefined) {
      this.fixed = this.collectFixed();
      const adapter = this.adapter ?? (this.req === undefined ? undefined : NODE_REQUEST_ADAPTER);
      if (adapter !== undefined) this.pushAdapterSlots(adapter, this.target ?? this.req);
    }
    let changed = this.combined === undefined;
    if (this.pending !== undefined && this.pending.length > 0) {
      const marked = (this.marked ??= []);
      const budget = this.walkBudget();
      for (const { source, path, value } of this.pending) {
        if (typeof value === 'string') addString(value, source, path, budget, marked);
        else walkInputs(value, source, path, budget, marked);
      }
      this.pending.length = 0;
      changed = true;
    }
    const late = this.late;
    if (late !== undefined) {
      for (const slot of late) {
        if (slot.key === RAW_BODY) continue; // read last, below
        const value = slot.current();
        if (value !== slot.seen) {
          slot.rewalk(value, this.walkBudget(), slot.dedupe ? this.collectedOf(slot.source) : undefined);
          changed = true;
        }
      }
      if (this.raw !== undefined && this.refreshRawBody(late)) changed = true;
    }
    if (changed) {
      // Most specific first, since a detector blames the first input that matches:
      // documents parsed out of a body (GraphQL, XML) before the body, framework-parsed
      // values (`params.name`) before the raw path segment or query value they came from.
      let all: UserInput[] = this.fixed;
      if ((this.marked !== undefined && this.marked.length > 0) || (late !== undefined && late.some(hasInputs))) {
        all = [];
        if (late !== undefined) {
          for (const slot of late) if (slot.read === undefined) for (const input of slot.inputs) all.push(input);
          for (const slot of late) if (slot.read !== undefined) for (const input of slot.inputs) all.push(input);
        }
        if (this.marked !== undefined) for (const input of this.marked) all.push(input);
        for (const input of this.fixed) all.push(input);
      }
      this.combined = all;
    }
    return this.combined!;
  }

  /**
   * inputs() with one input per distinct value (the first, i.e. the most specific), for
   * detectors whose verdict depends on the value alone: a thousand rows that all say
   * `Paris` are searched for once, not a thousand times. Small lists are returned as
   * they are (building the set would cost more than it saves).
   */
  distinctInputs(): readonly UserInput[] {
    const all = this.inputs();
    if (all.length <= DISTINCT_FROM) return all;
    if (this.distinctOf !== all) {
      const seen = new Set<string>();
      const out: UserInput[] = [];
      for (const input of all) {
        if (seen.has(input.value)) continue;
        seen.add(input.value);
        out.push(input);
      }
      this.distinct = out.length === all.length ? all : out;
      this.distinctOf = all;
    }
    return this.distinct!;
  }

  private slots(): LateSlot[] {
    return (this.late ??= []);
  }

  private pushAdapterSlots(adapter: FrameworkAdapter, target: unknown): void {
    const slots = this.slots();
    for (const s of adapter.sources) slots.push(new LateSlot(s.source, s.path, FRAMEWORK, s.read, target, undefined, walkCollector, s.dedupe === true));
  }

  /** Values already collected from the raw request for one source, for de-duplication. */
  private collectedOf(source: InputSource): ReadonlySet<string> {
    const map = (this.fixedBySource ??= new Map());
    let set = map.get(source);
    if (set === undefined) {
      set = new Set();
      for (const input of this.fixed ?? []) if (input.source === source) set.add(input.value);
      map.set(source, set);
    }
    return set;
  }

  private walkBudget(): WalkBudget {
    if (this.budget === undefined) {
      this.budget = {
        inputsLeft: this.limits.maxInputs,
        bytesLeft: this.limits.maxBytes,
        exceeded: undefined,
      };
    }
    return this.budget;
  }

  /** Inputs fixed when the request arrives: path segments, query, headers, cookies, bearer claims. */
  private collectFixed(): UserInput[] {
    const out: UserInput[] = [];
    const req = this.req;
    if (req === undefined) return out;
    const budget = this.walkBudget();
    const url = typeof req.url === 'string' ? req.url : '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    for (let from = 0; from < path.length; ) {
      let end = path.indexOf('/', from);
      if (end === -1) end = path.length;
      // A plain-word segment (`users`, `ping`, `42`) is usually a literal part of the route
      // and cannot change a payload's structure by itself; reporting it as input caused false
      // positives such as GET /ping running `ping -c 1 host`. Route params still carry it.
      // Looked at in place: most segments are plain words, never sliced out.
      if (end > from && !isPlainWordAt(path, from, end)) {
        const segment = path.slice(from, end);
        addString(segment, 'path', segment, budget, out);
      }
      from = end + 1;
    }
    if (q !== -1) collectQuery(url.slice(q + 1), budget, out);
    const headers = req.headers ?? {};
    // Headers the server wrote itself (Next.js's x-forwarded-*) are not the client's input.
    const names = Object.keys(headers);
    const sent = clientHeaderNames(req, names.length);
    for (const name of names) {
      if (name === 'cookie') continue;
      if (sent !== undefined && !sent.has(name)) continue;
      // HTTP/2 pseudo-headers repeat the method, scheme and path; `:authority` is the Host.
      if (name.charCodeAt(0) === 58 && name !== ':authority') continue;
      const value = headers[name];
      if (typeof value === 'string') addString(value, 'headers', name, budget, out);
      else if (Array.isArray(value)) value.forEach((v, i) => addString(v, 'headers', `${name}.${i}`, budget, out));
      // Header names are chosen by the client too; apps that log or store them build SQL from them.
      if (!isPlainWord(name) && name.charCodeAt(0) !== 58) addString(name, 'headers', name, budget, out);
    }
    const cookie = headers.cookie;
    const cookies = typeof cookie === 'string' ? cookie : Array.isArray(cookie) ? (cookie as string[]).join('; ') : undefined;
    if (cookies !== undefined) {
      for (const [name, value] of parseCookieHeader(cookies)) {
        addString(value, 'cookies', name, budget, out);
        if (!isPlainWord(name)) addString(name, 'cookies', name, budget, out);
      }
    }
    const authorization = headers.authorization;
    if (typeof authorization === 'string') collectAuthorization(authorization, budget, out);
    return out;
  }
}

// Most requests' late slots hold nothing (no body, empty route params): the fixed inputs
// are then the whole list, with no copy.
const hasInputs = (slot: LateSlot): boolean => slot.inputs.length > 0;

/** Lists up to this long are not de-duplicated (see distinctInputs). */
const DISTINCT_FROM = 64;

/** Key of the raw-body slot. */
const RAW_BODY = Symbol('rampart.raw-body');
/** Request property holding its context, for the raw-body observer. */
/** Raw body kept for contexts made without limits.maxRawBody (tests, withInput). */
const DEFAULT_RAW_BODY = 16 * 1024 * 1024;

/** The context of a request stream, if rampart opened one for it. */
export function contextOfRequest(req: unknown): RequestContext | undefined {
  const ctx = (req as Record<symbol, unknown>)[CONTEXT_OF_REQUEST];
  return ctx instanceof RequestContext ? ctx : undefined;
}

/** Key of the slots that read the attached framework object. */
const FRAMEWORK = Symbol('rampart.framework-slot');
