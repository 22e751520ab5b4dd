// Dialect dispatch and the public, object-shaped view of the token buffer.

import {
  COMMENT,
  EXEC_COMMENT,
  NUMBER,
  OPERATOR,
  PARAMETER,
  QUOTED_IDENT,
  STRING,
  TokenBuffer,
  VARIABLE,
  WORD,
} from './token-buffer';
import { Lexer } from './tokenizer-core';
import { lexPostgres, lexPostgresBackslash } from './dialect-postgres';
import { lexMysql, mysqlLexer } from './dialect-mysql';
import { lexSqlite } from './dialect-sqlite';

/**
 * `mysql` covers MariaDB too, with the default SQL modes; the `mysql-…` dialects are
 * sessions that set NO_BACKSLASH_ESCAPES, ANSI_QUOTES, or both (hooks/sinks/sql/session-modes.ts).
 * `postgres-backslash` is a PostgreSQL session with standard_conforming_strings off.
 */
export type SqlDialect = 'sqlite' | 'postgres' | 'postgres-backslash' | 'mysql' | 'mysql-no-backslash' | 'mysql-ansi-quotes' | 'mysql-ansi-no-backslash';

export type SqlTokenKind =
  | 'string' // every literal string form: '', E'', $$ $$, X'', B'', N'', _charset''
  | 'number'
  | 'word' // a bare keyword or identifier
  | 'quoted-identifier' // "x" (PostgreSQL, SQLite), `x` (MySQL, SQLite), [x] (SQLite)
  | 'operator' // operators and punctuation
  | 'comment'
  | 'executable-comment' // MySQL /*!...  and its closing */; what is between is code
  | 'parameter' // $1, ?, ?1, :name, @name, $name
  | 'variable'; // MySQL @var, @@var

export interface SqlToken {
  readonly kind: SqlTokenKind;
  /** UTF-16 offsets into the query, end exclusive. Whitespace is not a token. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The string, identifier or comment runs to the end of the query without closing. */
  readonly unterminated: boolean;
}

const LEXERS: Readonly<Record<SqlDialect, Lexer>> = {
  postgres: lexPostgres,
  'postgres-backslash': lexPostgresBackslash,
  mysql: lexMysql,
  'mysql-no-backslash': mysqlLexer({ noBackslashEscapes: true, ansiQuotes: false }),
  'mysql-ansi-quotes': mysqlLexer({ noBackslashEscapes: false, ansiQuotes: true }),
  'mysql-ansi-no-backslash': mysqlLexer({ noBackslashEscapes: true, ansiQuotes: true }),
  sqlite: lexSqlite,
};

const KIND_NAMES: SqlTokenKind[] = [];
KIND_NAMES[STRING] = 'string';
KIND_NAMES[NUMBER] = 'number';
KIND_NAMES[WORD] = 'word';
KIND_NAMES[QUOTED_IDENT] = 'quoted-identifier';
KIND_NAMES[OPERATOR] = 'operator';
KIND_NAMES[COMMENT] = 'comment';
KIND_NAMES[EXEC_COMMENT] = 'executable-comment';
KIND_NAMES[PARAMETER] = 'parameter';
KIND_NAMES[VARIABLE] = 'variable';

/**
 * Resets `buf` and fills it with the tokens of `query`. Never throws; linear in the query.
 * An unknown dialect name (from untyped callers) is lexed as SQLite.
 */
export function lexInto(query: string, dialect: SqlDialect, buf: TokenBuffer): void {
  buf.reset();
  buf.userIsFunction = dialect === 'postgres' || dialect === 'postgres-backslash';
  (LEXERS[dialect] ?? lexSqlite)(query, buf);
}

/**
 * The character whose presence in a query makes readings `a` and `b` lex it differently:
 * the backslash between sessions that disagree on backslash escapes, `"` between sessions
 * that disagree on ANSI_QUOTES. Without them in the query both readings give the same tokens.
 */
export function distinguishingChars(a: SqlDialect, b: SqlDialect): string {
  return (BACKSLASH_ESCAPES.has(a) !== BACKSLASH_ESCAPES.has(b) ? '\\' : '') + (ANSI.has(a) !== ANSI.has(b) ? '"' : '');
}

/** Readings with backslash escapes in ordinary strings; readings where `"` quotes a name. */
const BACKSLASH_ESCAPES: ReadonlySet<SqlDialect> = new Set<SqlDialect>(['postgres-backslash', 'mysql', 'mysql-ansi-quotes']);
const ANSI: ReadonlySet<SqlDialect> = new Set<SqlDialect>(['postgres', 'postgres-backslash', 'sqlite', 'mysql-ansi-quotes', 'mysql-ansi-no-backslash']);

/** The tokens of `query` in `dialect`, without whitespace. */
export function tokenizeSql(query: string, dialect: SqlDialect): SqlToken[] {
  const q = String(query);
  const buf = new TokenBuffer(64);
  lexInto(q, dialect, buf);
  const tokens: SqlToken[] = new Array(buf.count);
  for (let i = 0; i < buf.count; i++) {
    const start = buf.starts[i];
    const end = buf.ends[i];
    tokens[i] = {
      kind: KIND_NAMES[buf.kindAt(i)],
      start,
      end,
      text: q.slice(start, end),
      unterminated: buf.isUnterminated(i),
    };
  }
  return tokens;
}
