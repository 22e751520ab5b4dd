// Case folding for case-insensitive matching: apps lower- or upper-case input before building
// a query, and an attacker picks the case that slips past an exact match.

/** ASCII-only lower-casing; keeps every offset in place. */
export function asciiLower(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      out += s.slice(from, i) + String.fromCharCode(c + 0x20);
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/**
 * Lower-cases `s` so that offsets still line up with `s`. `toLowerCase` can lengthen a string
 * (U+0130 becomes two code units); then only ASCII letters are folded.
 */
export function foldCase(s: string): string {
  const lower = s.toLowerCase();
  return lower.length === s.length ? lower : asciiLower(s);
}

/** Traits of an input that decide how it is searched for (a bit set, from `traitsOf`). */
export const LOWER = 1; // lower-case ASCII letters: search the folded query
export const MIXED = 2; // upper-case ASCII or non-ASCII characters: fold the input as well
export const HAS_QUOTE = 4; // a ' : search its escaped forms too

/** One pass over the input; the common all-lower-case input is then never copied. */
export function traitsOf(s: string): number {
  let traits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) traits |= LOWER;
    else if (c >= 0x80 || (c >= 0x41 && c <= 0x5a)) traits |= MIXED;
    else if (c === 0x27) traits |= HAS_QUOTE;
  }
  return traits;
}
