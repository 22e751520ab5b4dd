// Character classes shared by the three SQL tokenizers, on UTF-16 code units. Scanners read
// through `codeAt`, which yields 0 past the end: every class test below is false for 0, so
// scanners peek ahead without their own bounds checks.

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isHexDigit(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

export function isAsciiLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x7a;
}

/**
 * First character of a bare word. All three databases accept any non-ASCII character in
 * unquoted identifiers (PostgreSQL and SQLite byte-wise, MySQL U+0080 and up), so every code
 * unit >= 0x80 counts, lone surrogates included.
 */
export function isWordStart(c: number): boolean {
  return isAsciiLetter(c) || c === 0x5f /* _ */ || c >= 0x80;
}

/** Later characters of a bare word: `$` is allowed after the first character everywhere. */
export function isWordPart(c: number): boolean {
  return isWordStart(c) || isDigit(c) || c === 0x24 /* $ */;
}

/** Space, \t, \n, \v, \f, \r: the whitespace set of all three lexers. */
export function isSqlSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Letters and digits of one character: such an input cannot change a token sequence. */
export function isAsciiAlnum(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c);
}

/**
 * `q.charCodeAt(i)`, but 0 instead of NaN past the end. Scanners peek ahead freely; reading out
 * of bounds would make V8 de-optimize them into slow floating-point code, and 0 (NUL) fails
 * every character test below just as NaN would.
 */
export function codeAt(q: string, i: number): number {
  return i < q.length ? q.charCodeAt(i) : 0;
}
