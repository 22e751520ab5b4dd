// `db.query.text` as the database conventions ask: a parameterized query is reported as
// written (its values travel separately and are not in the text), any other query with
// every string and number literal replaced by `?`. The decision is made here, when a
// finding is rendered, so every signal gets the same text.
import { redactSqlLiterals, type SqlDialect } from '../detect/sql';
import { KIND_MASK, PARAMETER, TokenBuffer } from '../detect/sql/token-buffer';
import { lexInto } from '../detect/sql/tokenize';

/** `db.system.name` -> the lexer that reads it; an unknown system is lexed as SQLite. */
const DIALECTS: Readonly<Record<string, SqlDialect>> = { sqlite: 'sqlite', postgresql: 'postgres', mysql: 'mysql', mariadb: 'mysql' };

/**
 * The query as reported. `attackerValue` is the input of the finding: a placeholder inside
 * it does not make the query parameterized (an attacker could otherwise add a `?` to get
 * the app's own literals reported unredacted). Any other query is redacted from the app's
 * template (detect/sql/redact.ts), so an unmatched quote in the input cannot expose the
 * app's literals; a secret-named input (`hideInput`) is hidden even in a parameterized text.
 */
export function dbQueryText(query: string, system: unknown, attackerValue: string, hideInput = false): string {
  const dialect = (typeof system === 'string' ? DIALECTS[system] : undefined) ?? 'sqlite';
  if (!hideInput && isParameterized(query, dialect, attackerValue)) return query;
  return redactSqlLiterals(query, dialect, { value: attackerValue, hide: hideInput });
}

/** Holds a bind placeholder (`?`, `$1`, `:name`, `@name`) that the app wrote, not the attacker. */
export function isParameterized(query: string, dialect: SqlDialect, attackerValue: string): boolean {
  const buf = new TokenBuffer(64);
  lexInto(query, dialect, buf);
  // Tokens and occurrences both come in text order: one pass over each, linear overall.
  const len = attackerValue.length;
  let occurrence = len === 0 ? -1 : query.indexOf(attackerValue);
  for (let i = 0; i < buf.count; i++) {
    if ((buf.kindAt(i) & KIND_MASK) !== PARAMETER) continue;
    const start = buf.starts[i]!;
    const end = buf.ends[i]!;
    while (occurrence !== -1 && occurrence + len < end) occurrence = query.indexOf(attackerValue, occurrence + len);
    const covered = occurrence !== -1 && occurrence <= start && occurrence + len >= end;
    if (!covered) return true;
  }
  return false;
}
