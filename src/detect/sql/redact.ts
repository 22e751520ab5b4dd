// Literal redaction for the `db.query.text` telemetry attribute: the query's shape stays
// readable, the values (which may be personal data or secrets) do not leave the process.

import { NUMBER, STRING, TokenBuffer } from './token-buffer';
import { SqlDialect, lexInto } from './tokenize';

/** `query` with every string and number literal (closed or not) replaced by `?`. */
export function redactSqlLiterals(query: string, dialect: SqlDialect): string {
  const q = String(query);
  const buf = new TokenBuffer(64);
  lexInto(q, dialect, buf);
  let out = '';
  let from = 0;
  for (let i = 0; i < buf.count; i++) {
    const kind = buf.kindAt(i);
    if (kind !== STRING && kind !== NUMBER) continue;
    out += q.slice(from, buf.starts[i]) + '?';
    from = buf.ends[i];
  }
  return from === 0 ? q : out + q.slice(from);
}
