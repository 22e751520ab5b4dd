// SQLite lexer, after the token rules documented for SQLite's tokenizer: '' strings,
// "x" / `x` / [x] identifiers, X'' blobs, non-nested comments and the five parameter forms.
// SQLite itself accepts an unclosed /* at the end of input; we flag it as unterminated, since
// an input that opens such a comment hides the rest of the statement.

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
import { codeAt, isDigit, isSqlSpace, isWordPart, isWordStart } from './chars';
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

const NUMBERS: NumberSyntax = { underscores: true, octal: false, binary: false };

const SQUOTE = 0x27;
const DQUOTE = 0x22;
const BACKTICK = 0x60;

/** Multi-character operators: == != <> <= >= << >> || -> ->> */
function operatorEnd(q: string, i: number): number {
  const c = codeAt(q, i);
  const next = codeAt(q, i + 1);
  switch (c) {
    case 0x3d: // =
      return next === 0x3d ? i + 2 : i + 1;
    case 0x3c: // <
      return next === 0x3d || next === 0x3e || next === 0x3c ? i + 2 : i + 1;
    case 0x3e: // >
      return next === 0x3d || next === 0x3e ? i + 2 : i + 1;
    case 0x21: // !
      return next === 0x3d ? i + 2 : i + 1;
    case 0x7c: // |
      return next === 0x7c ? i + 2 : i + 1;
    case 0x2d: // -
      if (next === 0x3e) return codeAt(q, i + 2) === 0x3e ? i + 3 : i + 2;
      return i + 1;
    default:
      return i + 1;
  }
}

export function lexSqlite(q: string, buf: TokenBuffer): void {
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
    // Words are the most common token: tested before the switch over punctuation.
    if (isWordStart(c)) {
      if ((c | 0x20) === 0x78 && next === SQUOTE) {
        i = pushQuoted(buf, STRING, q, start, quotedEnd(q, i + 2, SQUOTE, false, false)); // X'' blob
      } else {
        i = wordEnd(q, i);
        buf.push(WORD, start, i);
      }
      continue;
    }
    switch (c) {
      case 0x2d: // -
        if (next === 0x2d) {
          i = lineCommentEnd(q, i + 2, false);
          buf.push(COMMENT, start, i);
        } else {
          i = operatorEnd(q, i);
          buf.push(OPERATOR, start, i);
        }
        continue;
      case 0x2f: // /
        if (next === 0x2a) {
          i = pushQuoted(buf, COMMENT, q, start, blockCommentEnd(q, i + 2, false));
        } else {
          buf.push(OPERATOR, start, ++i);
        }
        continue;
      case SQUOTE:
        i = pushQuoted(buf, STRING, q, start, quotedEnd(q, i + 1, SQUOTE, true, false));
        continue;
      case DQUOTE:
      case BACKTICK:
        i = pushQuoted(buf, QUOTED_IDENT, q, start, quotedEnd(q, i + 1, c, true, false));
        continue;
      case 0x5b: { // [identifier] has no escape: it ends at the first ]
        const close = q.indexOf(']', i + 1);
        i = pushQuoted(buf, QUOTED_IDENT, q, start, close === -1 ? -1 : close + 1);
        continue;
      }
      case 0x3f: // ?  ?NNN
        i++;
        while (isDigit(codeAt(q, i))) i++;
        buf.push(PARAMETER, start, i);
        continue;
      case 0x3a: case 0x40: case 0x24: // :name @name $name
        if (isWordPart(next)) {
          i++;
          while (isWordPart(codeAt(q, i))) i++;
          buf.push(PARAMETER, start, i);
        } else {
          buf.push(OPERATOR, start, ++i);
        }
        continue;
      case 0x2e: // .
        i = pushDotLed(buf, q, i, NUMBERS, false);
        continue;
    }
    if (isDigit(c)) {
      i = numberEnd(q, i, NUMBERS);
      buf.push(NUMBER, start, i);
    } else {
      i = operatorEnd(q, i);
      buf.push(OPERATOR, start, i);
    }
  }
  markNulTruncation(q, buf);
}
