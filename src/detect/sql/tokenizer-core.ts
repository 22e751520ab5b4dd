// Scanners shared by the dialect lexers. Each takes the query and a start offset and returns
// the offset just past what it consumed; none allocates, none looks back, and each visits a
// character a bounded number of times, so every lexer built from them is linear and total.

import { COMMENT, NUMBER, OPERATOR, QUOTED_IDENT, STRING, TokenBuffer } from './token-buffer';
import { codeAt, isDigit, isHexDigit, isWordPart } from './chars';

/** A lexer fills `buf` (already reset) with the tokens of `query`; whitespace is skipped. */
export type Lexer = (query: string, buf: TokenBuffer) => void;

const BACKSLASH = 0x5c;

/**
 * Body of a quoted token, from just after the opening quote. `doubled`: two quotes stand for
 * one. `backslash`: a backslash escapes the next character (MySQL strings, PostgreSQL E'').
 * Returns the offset after the closing quote, or -1 when the input ends first.
 */
export function quotedEnd(q: string, i: number, quote: number, doubled: boolean, backslash: boolean): number {
  const n = q.length;
  if (!backslash) {
    // indexOf jumps straight to the next quote: the common case of long literals stays fast.
    const quoteChar = String.fromCharCode(quote);
    for (;;) {
      const at = q.indexOf(quoteChar, i);
      if (at === -1) return -1;
      if (doubled && codeAt(q, at + 1) === quote) {
        i = at + 2;
        continue;
      }
      return at + 1;
    }
  }
  while (i < n) {
    const c = codeAt(q, i);
    if (c === BACKSLASH) {
      i += 2;
    } else if (c === quote) {
      if (doubled && codeAt(q, i + 1) === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return -1;
}

/** Pushes a quoted token that started at `start` and whose scan ended at `end` (-1: open). */
export function pushQuoted(buf: TokenBuffer, kind: number, q: string, start: number, end: number): number {
  if (end < 0) {
    buf.pushUnterminated(kind, start, q.length);
    return q.length;
  }
  buf.push(kind, start, end);
  return end;
}

/** End of a line comment starting at `i`: the next \n (and \r when `crEnds`), or the end. */
export function lineCommentEnd(q: string, i: number, crEnds: boolean): number {
  if (!crEnds) {
    const lf = q.indexOf('\n', i);
    return lf === -1 ? q.length : lf;
  }
  // One pass for both: two indexOf calls could each run far past the comment, and many
  // comments in a row would then cost quadratic time.
  const n = q.length;
  while (i < n) {
    const c = q.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return i;
    i++;
  }
  return n;
}

/**
 * End of a block comment whose `/*` is at `i - 2`: offset after the closing `*` + `/`, or -1.
 * PostgreSQL nests block comments; MySQL and SQLite close at the first `*` `/`.
 */
export function blockCommentEnd(q: string, i: number, nested: boolean): number {
  if (!nested) {
    const at = q.indexOf('*/', i);
    return at === -1 ? -1 : at + 2;
  }
  const n = q.length;
  let depth = 1;
  while (i < n) {
    const c = codeAt(q, i);
    if (c === 0x2a /* * */ && codeAt(q, i + 1) === 0x2f /* / */) {
      i += 2;
      if (--depth === 0) return i;
    } else if (c === 0x2f && codeAt(q, i + 1) === 0x2a) {
      i += 2;
      depth++;
    } else {
      i++;
    }
  }
  return -1;
}

/** Which number spellings a dialect accepts beyond decimals, exponents and 0x hex. */
export interface NumberSyntax {
  /** `1_000`, `0x_FF`: digit separators between digits (PostgreSQL 16, SQLite 3.46). */
  readonly underscores: boolean;
  readonly octal: boolean; // 0o17
  readonly binary: boolean; // 0b101
}

/** Decimal digits from `i` (which must be a digit to consume anything), with separators. */
function digitsEnd(q: string, i: number, underscores: boolean): number {
  if (!isDigit(codeAt(q, i))) return i;
  i++;
  for (;;) {
    const c = codeAt(q, i);
    if (isDigit(c)) i++;
    else if (underscores && c === 0x5f && isDigit(codeAt(q, i + 1))) i += 2;
    else return i;
  }
}

function isRadixDigit(c: number, radix: number): boolean {
  if (radix === 16) return isHexDigit(c);
  if (radix === 8) return c >= 0x30 && c <= 0x37;
  return c === 0x30 || c === 0x31;
}

/** End of a prefixed integer (0x1F, 0o17, 0b101) at `i`, or -1 if there is none there. */
export function prefixedIntegerEnd(q: string, i: number, syntax: NumberSyntax): number {
  if (codeAt(q, i) !== 0x30) return -1;
  const p = codeAt(q, i + 1) | 0x20;
  const radix = p === 0x78 ? 16 : p === 0x6f && syntax.octal ? 8 : p === 0x62 && syntax.binary ? 2 : 0;
  if (radix === 0) return -1;
  let j = i + 2;
  let digits = 0;
  for (;;) {
    const c = codeAt(q, j);
    if (isRadixDigit(c, radix)) {
      j++;
      digits++;
    } else if (syntax.underscores && c === 0x5f && isRadixDigit(codeAt(q, j + 1), radix)) {
      j++;
    } else {
      break;
    }
  }
  return digits > 0 ? j : -1;
}

/**
 * End of a numeric literal at `i` (a digit, or a `.` followed by a digit): integers,
 * decimals (`1.`, `1.5`, `.5`), exponents (`1e10`, `1.5E-3`) and prefixed integers.
 * `1..2` stops before the `..`, as PostgreSQL does for ranges.
 */
export function numberEnd(q: string, i: number, syntax: NumberSyntax): number {
  const prefixed = prefixedIntegerEnd(q, i, syntax);
  if (prefixed !== -1) return prefixed;
  let j = digitsEnd(q, i, syntax.underscores);
  if (codeAt(q, j) === 0x2e /* . */ && codeAt(q, j + 1) !== 0x2e) {
    j = digitsEnd(q, j + 1, syntax.underscores);
  }
  if ((codeAt(q, j) | 0x20) === 0x65 /* e */) {
    let k = j + 1;
    const sign = codeAt(q, k);
    if (sign === 0x2b || sign === 0x2d) k++;
    if (isDigit(codeAt(q, k))) j = digitsEnd(q, k, syntax.underscores);
  }
  return j;
}

/** End of a bare word whose first character is at `i`. */
export function wordEnd(q: string, i: number): number {
  i++;
  while (isWordPart(codeAt(q, i))) i++;
  return i;
}

/**
 * PostgreSQL (its wire protocol) and SQLite (C strings) read a query only up to its first NUL
 * character. A NUL inside a string, quoted identifier or block comment therefore leaves that
 * token open for the database: mark it unterminated, so the query fails closed.
 */
export function markNulTruncation(q: string, buf: TokenBuffer): void {
  const nul = q.indexOf('\0');
  if (nul === -1) return;
  for (let i = 0; i < buf.count; i++) {
    if (buf.ends[i] <= nul) continue;
    const kind = buf.kindAt(i);
    const open = kind === STRING || kind === QUOTED_IDENT || (kind === COMMENT && q.charCodeAt(buf.starts[i]) === 0x2f);
    if (open && buf.starts[i] < nul && !buf.isUnterminated(i)) buf.markUnterminated(i);
    return;
  }
}

/**
 * A token starting with `.` at `i`: a number (`.5`) when a digit follows, otherwise an
 * operator, two characters long for `..` where the dialect has that operator (PostgreSQL).
 * Pushes it and returns the offset after it.
 */
export function pushDotLed(buf: TokenBuffer, q: string, i: number, numbers: NumberSyntax, hasDotDot: boolean): number {
  const next = codeAt(q, i + 1);
  if (isDigit(next)) {
    const end = numberEnd(q, i, numbers);
    buf.push(NUMBER, i, end);
    return end;
  }
  const end = hasDotDot && next === 0x2e ? i + 2 : i + 1;
  buf.push(OPERATOR, i, end);
  return end;
}
