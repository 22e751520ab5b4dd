// PostgreSQL lexer, modelled on the token rules of PostgreSQL's scan.l (read as a design, not
// copied). By default standard_conforming_strings is on, so a backslash is an ordinary
// character in '' and only E'' strings have backslash escapes; lexPostgresBackslash reads a
// session with standard_conforming_strings off, where every '' string escapes like E''.

import {
  COMMENT,
  NUMBER,
  OPERATOR,
  PARAMETER,
  QUOTED_IDENT,
  STRING,
  TokenBuffer,
  WORD,
} from './token-buffer';
import { codeAt, isDigit, isSqlSpace, isWordStart } from './chars';
import {
  NumberSyntax,
  blockCommentEnd,
  lineCommentEnd,
  markNulTruncation,
  numberEnd,
  pushDotLed,
  pushQuoted,
  quotedEnd,
  wordEnd,
} from './tokenizer-core';

const NUMBERS: NumberSyntax = { underscores: true, octal: true, binary: true };

const SQUOTE = 0x27;
const DQUOTE = 0x22;

/** How the body of a '' string form is read. */
const PLAIN = 0; // '' doubling
const ESCAPED = 1; // E'': backslash escapes and '' doubling
const BITS = 2; // B'' and X'': no escapes at all

/** `~!@#^&|`?+-*\/%<>=`: the characters PostgreSQL builds multi-character operators from. */
function isOpChar(c: number): boolean {
  switch (c) {
    case 0x7e: case 0x21: case 0x40: case 0x23: case 0x5e: case 0x26: case 0x7c: case 0x60:
    case 0x3f: case 0x2b: case 0x2d: case 0x2a: case 0x2f: case 0x25: case 0x3c: case 0x3e:
    case 0x3d:
      return true;
    default:
      return false;
  }
}

/** Operator characters that let a multi-character operator end in `+` or `-`. */
function allowsTrailingSign(c: number): boolean {
  switch (c) {
    case 0x7e: case 0x21: case 0x40: case 0x23: case 0x5e: case 0x26: case 0x7c: case 0x60:
    case 0x3f: case 0x25:
      return true;
    default:
      return false;
  }
}

/**
 * scan.l's operator rule: the longest run of operator characters, cut before any `--` or
 * `/*` inside it, and with trailing `+`/`-` given back unless the operator also contains one
 * of `~!@#^&|`?%` (so `=-1` is `=` then `-` then `1`). Pushes the operator, and the signs
 * given back as one-character operators (which is what rescanning them would produce), so
 * that a long run of `+-+-` costs linear time, not quadratic.
 */
function pushOperator(q: string, i: number, buf: TokenBuffer): number {
  let j = i;
  let lastSpecial = -1;
  let lastNonSign = -1;
  for (;;) {
    const c = codeAt(q, j);
    if (!isOpChar(c)) break;
    if (j > i) {
      const next = codeAt(q, j + 1);
      if ((c === 0x2d && next === 0x2d) || (c === 0x2f && next === 0x2a)) break;
    }
    if (allowsTrailingSign(c)) lastSpecial = j;
    if (c !== 0x2b && c !== 0x2d) lastNonSign = j;
    j++;
  }
  let end = j;
  const last = codeAt(q, j - 1);
  if (j - i > 1 && (last === 0x2b || last === 0x2d) && !(lastSpecial >= 0 && lastSpecial < j - 1)) {
    end = lastNonSign >= 0 ? lastNonSign + 1 : i + 1;
  }
  buf.push(OPERATOR, i, end);
  for (let k = end; k < j; k++) buf.push(OPERATOR, k, k + 1);
  return j;
}

function isHorizontalSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0c;
}

function isNewline(c: number): boolean {
  return c === 0x0a || c === 0x0d;
}

/**
 * `'a'` newline `'b'` is one literal in PostgreSQL: a closing quote followed by whitespace
 * that contains a newline and then another quote continues the string. (Comments in between
 * end the literal in the real scanner, checked by the differential test.) Returns the offset
 * after the continuing quote, or -1.
 */
function continuationAt(q: string, i: number): number {
  while (isHorizontalSpace(codeAt(q, i))) i++;
  if (!isNewline(codeAt(q, i))) return -1;
  i++;
  while (isSqlSpace(codeAt(q, i))) i++;
  return codeAt(q, i) === SQUOTE ? i + 1 : -1;
}

/** A '' string form whose body starts at `bodyStart`, with its continuations. */
function stringEnd(q: string, bodyStart: number, form: number): number {
  let i = bodyStart;
  for (;;) {
    const end = quotedEnd(q, i, SQUOTE, form !== BITS, form === ESCAPED);
    if (end < 0) return -1;
    const next = continuationAt(q, end);
    if (next < 0) return end;
    i = next;
  }
}

/**
 * At a `$`: the end of a dollar-quote opener `$tag$` / `$$`, or -1. Tags look like
 * identifiers without `$` (they cannot start with a digit: `$1` is a parameter).
 */
function dollarTagEnd(q: string, i: number): number {
  let j = i + 1;
  let c = codeAt(q, j);
  if (c === 0x24) return j + 1;
  if (!isWordStart(c)) return -1;
  for (;;) {
    c = codeAt(q, ++j);
    if (c === 0x24) return j + 1;
    if (!(isWordStart(c) || isDigit(c))) return -1;
  }
}

/** Offset after the closing tag of a dollar-quoted body starting at `i`, or -1. */
function dollarBodyEnd(q: string, i: number, tagStart: number, tagEnd: number): number {
  const tagLen = tagEnd - tagStart;
  for (;;) {
    const at = q.indexOf('$', i);
    if (at === -1) return -1;
    // Compare in place; a mismatch stops at the latest on the next `$`, as tags hold none,
    // so the total work stays linear.
    let k = 1;
    while (k < tagLen && codeAt(q, at + k) === codeAt(q, tagStart + k)) k++;
    if (k === tagLen) return at + tagLen;
    i = at + 1;
  }
}

export function lexPostgres(q: string, buf: TokenBuffer): void {
  lexPostgresIn(q, buf, PLAIN);
}

/** A session with standard_conforming_strings off: backslash escapes in every '' string. */
export function lexPostgresBackslash(q: string, buf: TokenBuffer): void {
  lexPostgresIn(q, buf, ESCAPED);
}

/** `plain` is how an ordinary '' string (and N'', U&'') reads its body in this session. */
function lexPostgresIn(q: string, buf: TokenBuffer, plain: number): void {
  const n = q.length;
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
      case 0x2d: // -
        if (next === 0x2d) {
          i = lineCommentEnd(q, i + 2, true);
          buf.push(COMMENT, start, i);
        } else {
          i = pushOperator(q, i, buf);
        }
        continue;
      case 0x2f: // /
        if (next === 0x2a) {
          i = pushQuoted(buf, COMMENT, q, start, blockCommentEnd(q, i + 2, true));
        } else {
          i = pushOperator(q, i, buf);
        }
        continue;
      case SQUOTE:
        i = pushQuoted(buf, STRING, q, start, stringEnd(q, i + 1, plain));
        continue;
      case DQUOTE:
        i = pushQuoted(buf, QUOTED_IDENT, q, start, quotedEnd(q, i + 1, DQUOTE, true, false));
        continue;
      case 0x24: { // $
        if (isDigit(next)) {
          i += 2;
          while (isDigit(codeAt(q, i))) i++;
          buf.push(PARAMETER, start, i);
          continue;
        }
        const tagEnd = dollarTagEnd(q, i);
        if (tagEnd < 0) {
          buf.push(OPERATOR, start, ++i);
        } else {
          i = pushQuoted(buf, STRING, q, start, dollarBodyEnd(q, tagEnd, start, tagEnd));
        }
        continue;
      }
      case 0x2e: // .
        i = pushDotLed(buf, q, i, NUMBERS, true);
        continue;
      case 0x3a: // :  (`::` cast, `:=`)
        i += next === 0x3a || next === 0x3d ? 2 : 1;
        buf.push(OPERATOR, start, i);
        continue;
      case 0x2c: case 0x28: case 0x29: case 0x5b: case 0x5d: case 0x3b: // , ( ) [ ] ;
        buf.push(OPERATOR, start, ++i);
        continue;
    }
    if (isDigit(c)) {
      i = numberEnd(q, i, NUMBERS);
      buf.push(NUMBER, start, i);
    } else if (isOpChar(c)) {
      i = pushOperator(q, i, buf);
    } else if (isWordStart(c)) {
      const lower = c | 0x20;
      if (next === SQUOTE && (lower === 0x65 || lower === 0x62 || lower === 0x78)) {
        // E'..' escapes; B'..' bits; X'..' hex. (N'..' is the word N then a string, as in PG.)
        const form = lower === 0x65 ? ESCAPED : BITS;
        i = pushQuoted(buf, STRING, q, start, stringEnd(q, i + 2, form));
      } else if (lower === 0x75 && next === 0x26 && codeAt(q, i + 2) === SQUOTE) {
        i = pushQuoted(buf, STRING, q, start, stringEnd(q, i + 3, plain)); // U&'..'
      } else if (lower === 0x75 && next === 0x26 && codeAt(q, i + 2) === DQUOTE) {
        i = pushQuoted(buf, QUOTED_IDENT, q, start, quotedEnd(q, i + 3, DQUOTE, true, false));
      } else {
        i = wordEnd(q, i);
        buf.push(WORD, start, i);
      }
    } else {
      buf.push(OPERATOR, start, ++i); // any other character stands alone, as in scan.l
    }
  }
  markNulTruncation(q, buf);
}
