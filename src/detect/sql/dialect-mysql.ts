// MySQL / MariaDB lexer. By default as the default SQL modes read a query: backslash
// escapes in strings (no NO_BACKSLASH_ESCAPES) and "..." as a string (no ANSI_QUOTES);
// lexers for the session modes an app may set are made by mysqlLexer(). Executable comments
// `/*! ... */`, `/*!50000 ... */` and MariaDB's `/*M! ... */` run their content, so their
// content is lexed as code between two EXEC_COMMENT marker tokens.

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
import { codeAt, isDigit, isSqlSpace, isWordPart, isWordStart } from './chars';
import {
  NumberSyntax,
  blockCommentEnd,
  lineCommentEnd,
  numberEnd,
  prefixedIntegerEnd,
  pushDotLed,
  pushQuoted,
  quotedEnd,
  wordEnd,
} from './tokenizer-core';

const NUMBERS: NumberSyntax = { underscores: false, octal: false, binary: true };

const SQUOTE = 0x27;
const DQUOTE = 0x22;
const BACKTICK = 0x60;
const NOT_A_VARIABLE = -2;

/** `--` starts a comment only when followed by whitespace, a control character or the end. */
function dashDashIsComment(q: string, i: number): boolean {
  const c = codeAt(q, i + 2); // 0 past the end: the end counts like a control character
  return c <= 0x20 || c === 0x7f;
}

/** Multi-character operators: <=> <= >= <> != << >> && || := -> ->> */
function operatorEnd(q: string, i: number): number {
  const c = codeAt(q, i);
  const next = codeAt(q, i + 1);
  switch (c) {
    case 0x3c: // <
      if (next === 0x3d) return codeAt(q, i + 2) === 0x3e ? i + 3 : i + 2; // <= <=>
      return next === 0x3e || next === 0x3c ? i + 2 : i + 1;
    case 0x3e: // >
      return next === 0x3d || next === 0x3e ? i + 2 : i + 1;
    case 0x21: // !
      return next === 0x3d ? i + 2 : i + 1;
    case 0x26: // &
      return next === 0x26 ? i + 2 : i + 1;
    case 0x7c: // |
      return next === 0x7c ? i + 2 : i + 1;
    case 0x3a: // :
      return next === 0x3d ? i + 2 : i + 1;
    case 0x2d: // -
      if (next === 0x3e) return codeAt(q, i + 2) === 0x3e ? i + 3 : i + 2;
      return i + 1;
    default:
      return i + 1;
  }
}

/**
 * `@var`, `@@system_var`, `@'quoted'`, @`quoted`: returns the end, -1 when a quoted name does
 * not close, or NOT_A_VARIABLE for a lone `@`.
 */
function variableEnd(q: string, i: number): number {
  let j = codeAt(q, i + 1) === 0x40 ? i + 2 : i + 1;
  const c = codeAt(q, j);
  if (c === SQUOTE || c === DQUOTE || c === BACKTICK) {
    return quotedEnd(q, j + 1, c, true, c !== BACKTICK);
  }
  if (!isWordPart(c)) return j === i + 2 ? j : NOT_A_VARIABLE;
  while (isWordPart(codeAt(q, j))) j++;
  return j;
}

/** How a session's sql_mode changes where literals end. */
export interface MysqlModes {
  /** NO_BACKSLASH_ESCAPES: a backslash is an ordinary character in strings. */
  readonly noBackslashEscapes: boolean;
  /** ANSI_QUOTES (also in ANSI): "..." is an identifier, not a string. */
  readonly ansiQuotes: boolean;
}

const DEFAULT_MODES: MysqlModes = { noBackslashEscapes: false, ansiQuotes: false };

export function lexMysql(q: string, buf: TokenBuffer): void {
  lexMysqlIn(q, buf, DEFAULT_MODES);
}

/** A lexer that reads queries the way a session with `modes` does. */
export function mysqlLexer(modes: MysqlModes): (q: string, buf: TokenBuffer) => void {
  return (q, buf) => lexMysqlIn(q, buf, modes);
}

function lexMysqlIn(q: string, buf: TokenBuffer, modes: MysqlModes): void {
  const backslash = !modes.noBackslashEscapes;
  const n = q.length;
  let execOpener = -1; // token index of the open executable comment, if any
  let i = 0;
  while (i < n) {
    const c = q.charCodeAt(i);
    if (isSqlSpace(c)) {
      i++;
      continue;
    }
    const next = codeAt(q, i + 1);
    const start = i;
    switch (c) {
      case 0x23: // # comment
        i = lineCommentEnd(q, i + 1, false);
        buf.push(COMMENT, start, i);
        continue;
      case 0x2d: // -
        if (next === 0x2d && dashDashIsComment(q, i)) {
          i = lineCommentEnd(q, i + 2, false);
          buf.push(COMMENT, start, i);
        } else {
          i = operatorEnd(q, i);
          buf.push(OPERATOR, start, i);
        }
        continue;
      case 0x2f: { // /
        if (next !== 0x2a) {
          buf.push(OPERATOR, start, ++i);
          continue;
        }
        const third = codeAt(q, i + 2);
        const bang = third === 0x21 ? i + 2 : third === 0x4d && codeAt(q, i + 3) === 0x21 ? i + 3 : -1;
        if (bang > 0 && execOpener < 0) {
          // `/*!` or `/*M!`, then an optional version number (5 or 6 digits).
          i = bang + 1;
          const versionEnd = Math.min(i + 6, n);
          while (i < versionEnd && isDigit(codeAt(q, i))) i++;
          execOpener = buf.count;
          buf.push(EXEC_COMMENT, start, i);
        } else {
          i = pushQuoted(buf, COMMENT, q, start, blockCommentEnd(q, i + 2, false));
        }
        continue;
      }
      case 0x2a: // *  (closes an executable comment)
        if (next === 0x2f && execOpener >= 0) {
          i += 2;
          buf.push(EXEC_COMMENT, start, i);
          execOpener = -1;
        } else {
          buf.push(OPERATOR, start, ++i);
        }
        continue;
      case SQUOTE:
        i = pushQuoted(buf, STRING, q, start, quotedEnd(q, i + 1, c, true, backslash));
        continue;
      case DQUOTE:
        i = modes.ansiQuotes
          ? pushQuoted(buf, QUOTED_IDENT, q, start, quotedEnd(q, i + 1, DQUOTE, true, false))
          : pushQuoted(buf, STRING, q, start, quotedEnd(q, i + 1, c, true, backslash));
        continue;
      case BACKTICK:
        i = pushQuoted(buf, QUOTED_IDENT, q, start, quotedEnd(q, i + 1, BACKTICK, true, false));
        continue;
      case 0x40: { // @
        const end = variableEnd(q, i);
        if (end === NOT_A_VARIABLE) buf.push(OPERATOR, start, ++i);
        else i = pushQuoted(buf, VARIABLE, q, start, end);
        continue;
      }
      case 0x3f: // ? placeholder
        buf.push(PARAMETER, start, ++i);
        continue;
      case 0x2e: // .
        i = pushDotLed(buf, q, i, NUMBERS, false);
        continue;
    }
    if (isDigit(c)) {
      i = digitLedEnd(q, i, buf);
    } else if (isWordStart(c) || c === 0x24 /* $ may start a MySQL identifier */) {
      i = wordLedEnd(q, i, buf, backslash);
    } else {
      i = operatorEnd(q, i);
      buf.push(OPERATOR, start, i);
    }
  }
  if (execOpener >= 0) buf.markUnterminated(execOpener);
}

/** A digit starts a number, or an identifier such as `123abc` (MySQL allows those). */
function digitLedEnd(q: string, i: number, buf: TokenBuffer): number {
  const prefixed = prefixedIntegerEnd(q, i, NUMBERS);
  let j = i;
  while (isDigit(codeAt(q, j))) j++;
  const c = codeAt(q, j);
  if (prefixed === -1 && (isWordStart(c) || c === 0x24) && !exponentAt(q, j)) {
    j = wordEnd(q, j);
    buf.push(WORD, i, j);
    return j;
  }
  j = prefixed !== -1 ? prefixed : numberEnd(q, i, NUMBERS);
  buf.push(NUMBER, i, j);
  return j;
}

function exponentAt(q: string, j: number): boolean {
  if ((codeAt(q, j) | 0x20) !== 0x65) return false;
  const c = codeAt(q, j + 1);
  return isDigit(c) || ((c === 0x2b || c === 0x2d) && isDigit(codeAt(q, j + 2)));
}

/** Words, and the string forms that begin with letters: X'', B'', N'', _charset''. */
function wordLedEnd(q: string, i: number, buf: TokenBuffer, backslash: boolean): number {
  const c = codeAt(q, i);
  const next = codeAt(q, i + 1);
  const lower = c | 0x20;
  if (next === SQUOTE && (lower === 0x78 || lower === 0x62)) {
    return pushQuoted(buf, STRING, q, i, quotedEnd(q, i + 2, SQUOTE, false, false));
  }
  if (next === SQUOTE && lower === 0x6e) {
    return pushQuoted(buf, STRING, q, i, quotedEnd(q, i + 2, SQUOTE, true, backslash));
  }
  const end = wordEnd(q, i);
  const after = codeAt(q, end);
  if (c === 0x5f && end > i + 1 && (after === SQUOTE || after === DQUOTE)) {
    // _utf8mb4'..': a character set introducer glued to its string is one literal.
    return pushQuoted(buf, STRING, q, i, quotedEnd(q, end + 1, after, true, backslash));
  }
  buf.push(WORD, i, end);
  return end;
}
