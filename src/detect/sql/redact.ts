// Literal redaction for the `db.query.text` telemetry attribute: the query's shape stays
// readable, the values (which may be personal data or secrets) do not leave the process.
//
// An attack query cannot be trusted to show where the app's literals are: one unmatched
// quote in the input shifts every literal boundary after it, so the app's own secret
// (`api_key = 'sk_live_…'`) lexes as a bare word or ends up in a comment. The literals
// the app wrote are found in its template, the query with the input taken out, and
// redacted along with the literals of the query as sent: a character that is inside a
// literal in either reading is redacted.

import { NUMBER, STRING, TokenBuffer } from './token-buffer';
import { SqlDialect, lexInto } from './tokenize';
import { indexOfLinear } from '../occurrences';

/** Inputs shorter than this are not taken out: they would match the app's own text everywhere. */
const MIN_INPUT = 2;

/**
 * `query` with every string and number literal (closed or not) replaced by `?`; given the
 * input that changed the query, the literals of the app's template as well.
 */
export function redactSqlLiterals(query: string, dialect: SqlDialect, input?: string): string {
  const q = String(query);
  const buf = new TokenBuffer(64);
  let ranges = literalRanges(q, dialect, buf);
  if (input !== undefined && input.length >= MIN_INPUT) ranges = union(ranges, templateLiteralRanges(q, input, dialect, buf));
  return replaceRanges(q, ranges);
}

/** Start and end offsets, flattened: [s0, e0, s1, e1, ...], in order. */
type Ranges = number[];

function literalRanges(text: string, dialect: SqlDialect, buf: TokenBuffer): Ranges {
  lexInto(text, dialect, buf);
  const out: Ranges = [];
  for (let i = 0; i < buf.count; i++) {
    const kind = buf.kindAt(i);
    if (kind === STRING || kind === NUMBER) out.push(buf.starts[i]!, buf.ends[i]!);
  }
  return out;
}

/**
 * The literals of `query` with every occurrence of `input` taken out, as ranges of the
 * query itself: a literal that spanned a removed occurrence covers it.
 */
function templateLiteralRanges(query: string, input: string, dialect: SqlDialect, buf: TokenBuffer): Ranges {
  // Segments of the query kept in the template: [queryStart, queryEnd) each.
  const kept: number[] = [];
  let from = 0;
  for (let at = indexOfLinear(query, input, 0); at !== -1; at = indexOfLinear(query, input, at + input.length)) {
    kept.push(from, at);
    from = at + input.length;
  }
  if (kept.length === 0) return [];
  kept.push(from, query.length);
  let template = '';
  for (let k = 0; k < kept.length; k += 2) template += query.slice(kept[k], kept[k + 1]);
  const inTemplate = literalRanges(template, dialect, buf);
  // Template offsets to query offsets, walking both in order.
  const out: Ranges = [];
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
  for (let i = 0; i < inTemplate.length; i += 2) {
    const start = toQuery(inTemplate[i]!, false);
    out.push(start, toQuery(inTemplate[i + 1]!, true));
  }
  return out;
}

/** Two ordered range lists merged into one, overlapping and touching ranges joined. */
function union(a: Ranges, b: Ranges): Ranges {
  const out: Ranges = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let start: number;
    let end: number;
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      start = a[i]!;
      end = a[i + 1]!;
      i += 2;
    } else {
      start = b[j]!;
      end = b[j + 1]!;
      j += 2;
    }
    const last = out.length - 1;
    if (last > 0 && start <= out[last]!) out[last] = Math.max(out[last]!, end);
    else out.push(start, end);
  }
  return out;
}

function replaceRanges(q: string, ranges: Ranges): string {
  if (ranges.length === 0) return q;
  // Built in a code-unit buffer: slicing and joining per literal costs a string per token,
  // which a megabyte query of literals turns into a million allocations.
  const out = new Uint16Array(q.length);
  let len = 0;
  let from = 0;
  for (let r = 0; r < ranges.length; r += 2) {
    const start = ranges[r]!;
    if (start < from) continue; // inside the previous range (ranges from one lexing never overlap)
    for (let k = from; k < start; k++) out[len++] = q.charCodeAt(k);
    out[len++] = QUESTION_MARK;
    from = ranges[r + 1]!;
  }
  for (let k = from; k < q.length; k++) out[len++] = q.charCodeAt(k);
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
