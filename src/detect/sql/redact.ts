// Literal redaction for the `db.query.text` telemetry attribute: the query's shape stays
// readable, the values (which may be personal data or secrets) do not leave the process.

import { NUMBER, STRING, TokenBuffer } from './token-buffer';
import { SqlDialect, lexInto } from './tokenize';

/** `query` with every string and number literal (closed or not) replaced by `?`. */
export function redactSqlLiterals(query: string, dialect: SqlDialect): string {
  const q = String(query);
  const buf = new TokenBuffer(64);
  lexInto(q, dialect, buf);
  // Built in a code-unit buffer: slicing and joining per literal costs a string per token,
  // which a megabyte query of literals turns into a million allocations.
  let out: Uint16Array | undefined;
  let len = 0;
  let from = 0;
  for (let i = 0; i < buf.count; i++) {
    const kind = buf.kindAt(i);
    if (kind !== STRING && kind !== NUMBER) continue;
    out ??= new Uint16Array(q.length);
    for (let k = from; k < buf.starts[i]; k++) out[len++] = q.charCodeAt(k);
    out[len++] = QUESTION_MARK;
    from = buf.ends[i];
  }
  if (out === undefined) return q;
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
