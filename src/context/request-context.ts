// Everything rampart knows about one unit of untrusted work (an HTTP request, a queue
// message): its identity for events, and its user inputs, collected lazily at the first
// sink check and cached, so requests that never reach a sink pay nothing.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InputSource, UserInput } from '../detect/types';
import type { LimitsConfig } from '../config/types';
import { parseCookieHeader } from './cookies';
import { addString, isPlainWord, walkInputs, type WalkBudget } from './walk';

/** An input whose value may appear after the request starts (a body parsed later). */
interface LateSource {
  readonly source: InputSource;
  readonly read: () => unknown;
  seen: unknown;
  inputs: UserInput[];
}

export interface BlockState {
  readonly requestId: string;
}

export class RequestContext {
  readonly req: IncomingMessage | undefined;
  readonly res: ServerResponse | undefined;
  /** Route template when a framework exposes it (`/users/:id`). */
  route: string | undefined;
  blocked: BlockState | undefined;
  /** Inputs that cut short the walk, for telemetry. */
  truncated = false;

  private id: string | undefined;
  private readonly limits: LimitsConfig;
  private fixed: UserInput[] | undefined;
  private readonly late: LateSource[] = [];
  private readonly marked: UserInput[] = [];
  private combined: readonly UserInput[] | undefined;
  private budget: WalkBudget | undefined;

  constructor(limits: LimitsConfig, req?: IncomingMessage, res?: ServerResponse) {
    this.limits = limits;
    this.req = req;
    this.res = res;
  }

  get requestId(): string {
    if (this.id === undefined) this.id = randomUUID();
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

  /** Registers a source read at each check; it is walked again only when its value changes. */
  addLateSource(source: InputSource, read: () => unknown): void {
    this.late.push({ source, read, seen: undefined, inputs: [] });
    this.combined = undefined;
  }

  /** Adds untrusted values the app knows about (`markUntrusted`, `withInput`). */
  addInput(source: InputSource, path: string, value: unknown): void {
    if (typeof value === 'string') addString(value, source, path, this.walkBudget(), this.marked);
    else walkInputs(value, source, path, this.walkBudget(), this.marked);
    this.combined = undefined;
  }

  /** Every user input of this unit of work, decoded variants included. */
  inputs(): readonly UserInput[] {
    if (this.fixed === undefined) {
      this.fixed = this.collectFixed();
      const req = this.req;
      if (req !== undefined) {
        // Frameworks (express, body parsers) put parsed data on the request after it starts.
        this.addLateSource('body', () => (req as { body?: unknown }).body);
        this.addLateSource('params', () => (req as { params?: unknown }).params);
      }
    }
    let changed = this.combined === undefined;
    for (const late of this.late) {
      let value: unknown;
      try {
        value = late.read();
      } catch {
        value = undefined; // a throwing getter on a framework object is not our concern
      }
      if (value !== late.seen) {
        late.seen = value;
        late.inputs = [];
        walkInputs(value, late.source, '', this.walkBudget(), late.inputs);
        changed = true;
      }
    }
    if (changed) {
      const all = this.fixed.concat(this.marked);
      for (const late of this.late) for (const input of late.inputs) all.push(input);
      this.truncated = this.walkBudget().truncated;
      this.combined = all;
    }
    return this.combined!;
  }

  private walkBudget(): WalkBudget {
    if (this.budget === undefined) {
      this.budget = {
        maxDepth: this.limits.maxDepth,
        inputsLeft: this.limits.maxInputs,
        bytesLeft: this.limits.maxBytes,
        truncated: false,
      };
    }
    return this.budget;
  }

  /** Inputs fixed when the request arrives: query, path segments, headers, cookies. */
  private collectFixed(): UserInput[] {
    const out: UserInput[] = [];
    const req = this.req;
    if (req === undefined) return out;
    const budget = this.walkBudget();
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    for (const segment of path.split('/')) {
      // A plain-word segment (`users`, `ping`, `42`) is usually a literal part of the route
      // and cannot change a payload's structure by itself; reporting it as input caused false
      // positives such as GET /ping running `ping -c 1 host`. Route params still carry it.
      if (segment.length > 0 && !isPlainWord(segment)) addString(segment, 'path', segment, budget, out);
    }
    if (q !== -1) collectQuery(url.slice(q + 1), budget, out);
    const headers = req.headers;
    for (const name of Object.keys(headers)) {
      if (name === 'cookie') continue;
      const value = headers[name];
      if (typeof value === 'string') addString(value, 'headers', name, budget, out);
      else if (Array.isArray(value)) value.forEach((v, i) => addString(v, 'headers', `${name}.${i}`, budget, out));
    }
    const cookie = headers.cookie;
    if (typeof cookie === 'string') {
      for (const [name, value] of parseCookieHeader(cookie)) addString(value, 'cookies', name, budget, out);
    }
    return out;
  }
}

function collectQuery(queryString: string, budget: WalkBudget, out: UserInput[]): void {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(queryString);
  } catch {
    return;
  }
  const repeated = new Map<string, string[]>();
  let count = 0;
  for (const [name, value] of params) {
    if (++count > budget.inputsLeft) {
      budget.truncated = true;
      break;
    }
    if (!addString(value, 'query', name, budget, out)) break;
    if (name.length > 0 && !isPlainWord(name)) addString(name, 'query', name, budget, out);
    const values = repeated.get(name);
    if (values === undefined) repeated.set(name, [value]);
    else values.push(value);
  }
  // HTTP parameter pollution: many frameworks join repeated keys with commas.
  for (const [name, values] of repeated) {
    if (values.length > 1) addString(values.join(','), 'query', name, budget, out);
  }
}
