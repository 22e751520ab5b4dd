// The request body as the client sent it, for apps that parse it themselves (plain http
// with JSON.parse, express.text()/express.raw(), a route that reads the stream). The chunks
// Node's HTTP parser pushes into the request stream are observed, never consumed: what the
// app reads is unchanged. They are kept up to a bound (limits.maxRawBody); a body past it
// makes the request's inputs incomplete, which the guard treats like any other memory bound
// (rampart.input-limit), so a long body cannot hide a payload behind its first bytes.
// Only decoded at a sink check, and only when no framework parsed the body already.
import type { InputSource, UserInput } from '../detect/types';
import { queryPairs } from './query-string';
import { addString, exceed, walkInputs, type WalkBudget } from './walk';

/** What the raw-body slot walks: the bytes received so far, made anew when more arrive. */
export interface RawBodySnapshot {
  readonly chunks: readonly Uint8Array[];
  readonly bytes: number;
  /** More bytes arrived than the bound keeps. */
  readonly overflow: boolean;
  readonly contentType: string | undefined;
}

export class RawBody {
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private overflow = false;
  private snapshot: RawBodySnapshot | undefined;

  constructor(private readonly maxBytes: number) {}

  /** One chunk pushed into the request stream (a Buffer, or a string with an encoding). */
  observe(chunk: unknown): void {
    if (this.overflow) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk instanceof Uint8Array ? chunk : undefined;
    if (bytes === undefined || bytes.length === 0) return;
    if (this.bytes + bytes.length > this.maxBytes) {
      this.overflow = true;
      this.chunks = []; // an incomplete body is not an input: let the kept bytes go
    } else {
      this.chunks.push(bytes);
      this.bytes += bytes.length;
    }
    this.snapshot = undefined;
  }

  /** The same object until another chunk arrives (late slots re-walk on a new reference). */
  current(contentType: string | undefined): RawBodySnapshot | undefined {
    if (this.bytes === 0 && !this.overflow) return undefined;
    return (this.snapshot ??= { chunks: this.chunks.slice(), bytes: this.bytes, overflow: this.overflow, contentType });
  }
}

/** Multipart bodies carry files (never inputs): their text fields are read by context/multipart-fields.ts. */
export function isMultipart(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.slice(0, 10).toLowerCase() === 'multipart/';
}

/**
 * Inputs of a raw body: its text (source `body`, empty path), and when it parses as JSON its
 * strings by path, or when it is urlencoded its fields by name.
 */
export function collectRawBody(value: unknown, source: InputSource, path: string, budget: WalkBudget, out: UserInput[]): void {
  const body = value as RawBodySnapshot;
  if (body.overflow) return exceed(budget, 'maxBytes', source, path);
  const text = Buffer.concat(body.chunks as Uint8Array[], body.bytes).toString('utf8');
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 0x20) i++;
  const first = text.charCodeAt(i);
  if (first === 0x7b || first === 0x5b) {
    // `{` or `[`: parsed the way the app would; a body that does not parse stays one text input.
    // The leaves go first, so a finding names the JSON path (`user.name`) rather than the
    // same value found again among the whole text's decoded leaves.
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) walkInputs(parsed, source, path, budget, out);
    addString(text, source, path, budget, out);
    return;
  }
  if (!addString(text, source, path, budget, out)) return;
  if (body.contentType !== undefined && body.contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const pairs = queryPairs(text);
    for (let p = 0; p < pairs.length; p += 2) {
      if (!addString(pairs[p + 1]!, source, pairs[p]!, budget, out)) return;
    }
  }
}
