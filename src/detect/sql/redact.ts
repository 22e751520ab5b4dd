// Literal redaction for the `db.query.text` telemetry attribute: the query's shape stays
// readable, the values (which may be personal data or secrets) do not leave the process.
//
// An attack query cannot be trusted to show where the app's literals are: one unmatched
// quote in the input shifts every literal boundary after it, so the app's own secret
// (`api_key = 'sk_live_…'`) lexes as a bare word or ends up in a comment. The literals
// the app wrote are found in its template, the query with the input taken out, and
// redacted along with the literals of the query as sent; the input's own characters are
// shown where the query as sent has them as code, so the injection stays readable.

import { NUMBER, STRING, TokenBuffer } from './token-buffer';
import { SqlDialect, lexInto } from './tokenize';
import { indexOfLinear } from '../occurrences';

/** Inputs shorter than this are not taken out: they would match the app's own text everywhere. */
const MIN_INPUT = 2;

/** The input that changed the query, and whether its own text must be hidden too (a secret-named input). */
export interface RedactInput {
  readonly value: string;
  readonly hide: boolean;
}

/**
 * `query` with every string and number literal (closed or not) replaced by `?`. Given the
 * input that changed the query: the app's characters are also redacted wherever they are
 * a literal of the app's template, and the input's own characters only where they are a
 * literal of the query as sent (so the injected code stays visible), or everywhere when
 * the input is a secret.
 */
export function redactSqlLiterals(query: string, dialect: SqlDialect, input?: RedactInput): string {
  const q = String(query);
  const buf = new TokenBuffer(64);
  lexInto(q, dialect, buf);
  const occurrences = input === undefined || input.value.length < MIN_INPUT ? [] : occurrencesOf(q, input.value);
  if (input === undefined || occurrences.length === 0) return replaceLiterals(q, buf);
  const sent = new Uint8Array(q.length);
  markLiterals(sent, buf);
  const redacted = new Uint8Array(q.length);
  markTemplateLiterals(redacted, q, occurrences, dialect, buf);
  if (!input.hide) mark(redacted, occurrences, 0);
  for (let i = 0; i < sent.length; i++) redacted[i]! |= sent[i]!;
  if (input.hide) mark(redacted, occurrences, 1);
  return replaceMarked(q, redacted);
}

/** Start and end offsets, flattened: [s0, e0, s1, e1, ...], in order, not overlapping. */
type Ranges = number[];

/** Marks the literals lexed into `buf`. */
function markLiterals(redacted: Uint8Array, buf: TokenBuffer): void {
  for (let i = 0; i < buf.count; i++) {
    const kind = buf.kindAt(i);
    if (kind === STRING || kind === NUMBER) redacted.fill(1, buf.starts[i], buf.ends[i]);
  }
}

/** `query` with the literals lexed into `buf` replaced by `?`: the common case, straight from the tokens. */
function replaceLiterals(q: string, buf: TokenBuffer): string {
  let out: Uint16Array | undefined;
  let len = 0;
  let from = 0;
  for (let i = 0; i < buf.count; i++) {
    const kind = buf.kindAt(i);
    if (kind !== STRING && kind !== NUMBER) continue;
    out ??= new Uint16Array(q.length);
    for (let k = from; k < buf.starts[i]!; k++) out[len++] = q.charCodeAt(k);
    out[len++] = QUESTION_MARK;
    from = buf.ends[i]!;
  }
  if (out === undefined) return q;
  for (let k = from; k < q.length; k++) out[len++] = q.charCodeAt(k);
  return fromCodeUnits(out, len);
}

function occurrencesOf(query: string, input: string): Ranges {
  const out: Ranges = [];
  for (let at = indexOfLinear(query, input, 0); at !== -1; at = indexOfLinear(query, input, at + input.length)) out.push(at, at + input.length);
  return out;
}

/**
 * Marks the literals of the app's template (the query with the input's occurrences taken
 * out) on the query itself: a literal that spanned a removed occurrence covers it.
 */
function markTemplateLiterals(redacted: Uint8Array, query: string, occurrences: Ranges, dialect: SqlDialect, buf: TokenBuffer): void {
  // Segments of the query kept in the template: [queryStart, queryEnd) each.
  const kept: number[] = [];
  let from = 0;
  for (let k = 0; k < occurrences.length; k += 2) {
    kept.push(from, occurrences[k]!);
    from = occurrences[k + 1]!;
  }
  kept.push(from, query.length);
  let template = '';
  for (let k = 0; k < kept.length; k += 2) template += query.slice(kept[k], kept[k + 1]);
  lexInto(template, dialect, buf);
  // Template offsets to query offsets, walking both in order.
  let seg = 0;
  let segTemplateStart = 0;
  const toQuery = (t: number, isEnd: boolean): number => {
    for (;;) {
      const length = kept[seg + 1]! - kept[seg]!;
      const inside = isEnd ? t <= segTemplateStart + length : t < segTemplateStart + length;
      if (inside || seg + 2 >= kept.length) return kept[seg]! + (t - segTemplateStart);
      segTemplateStart += length;
      seg += 2;
    }
  };
  for (let i = 0; i < buf.count; i++) {
    const kind = buf.kindAt(i);
    if (kind !== STRING && kind !== NUMBER) continue;
    const start = toQuery(buf.starts[i]!, false);
    redacted.fill(1, start, toQuery(buf.ends[i]!, true));
  }
}

function mark(redacted: Uint8Array, ranges: Ranges, value: 0 | 1): void {
  for (let r = 0; r < ranges.length; r += 2) redacted.fill(value, ranges[r], ranges[r + 1]);
}

/** `q` with every run of marked characters replaced by one `?`. */
function replaceMarked(q: string, redacted: Uint8Array): string {
  const out = new Uint16Array(q.length);
  let len = 0;
  for (let i = 0; i < q.length; i++) {
    if (redacted[i] === 0) out[len++] = q.charCodeAt(i);
    else if (i === 0 || redacted[i - 1] === 0) out[len++] = QUESTION_MARK;
  }
  return fromCodeUnits(out, len);
}

const QUESTION_MARK = 0x3f;
const CHUNK = 8192;

function fromCodeUnits(units: Uint16Array, length: number): string {
  let text = '';
  for (let at = 0; at < length; at += CHUNK) {
    text += String.fromCharCode.apply(null, units.subarray(at, Math.min(at + CHUNK, length)) as unknown as number[]);
  }
  return text;
}
