// IP literals in every notation a URL parser or getaddrinfo accepts, to one canonical
// text. IPv4 follows the WHATWG URL "IPv4 parser" (what `new URL()` does), which accepts
// the same 1-4 part decimal/octal/hex forms as inet_aton plus one trailing dot. IPv6
// follows the WHATWG "IPv6 parser" (same language as inet_pton), plus zone ids.

import { canonicalDomainChars, hexDigit } from './host-chars';

export interface IpLiteral {
  readonly family: 4 | 6;
  /** Dotted quad, or compressed lowercase IPv6 as `new URL()` serializes it. */
  readonly address: string;
}

const DOT = 0x2e;
const COLON = 0x3a;
const PERCENT = 0x25;
const TOO_BIG = 2 ** 32 + 1; // any value no part may reach

/** One IPv4 part: `0x1f` hex, `017` octal, `15` decimal, `0x` is 0. -1 if invalid. */
function parseIPv4Part(s: string, start: number, end: number): number {
  if (start >= end) return -1;
  let radix = 10;
  if (end - start >= 2 && s.charCodeAt(start) === 0x30) {
    if ((s.charCodeAt(start + 1) | 0x20) === 0x78) {
      radix = 16;
      start += 2;
    } else {
      radix = 8;
      start += 1;
    }
  }
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = hexDigit(s.charCodeAt(i));
    if (d < 0 || d >= radix) return -1;
    // Keep validating the rest, but never let a long part lose precision.
    value = value >= TOO_BIG ? TOO_BIG : value * radix + d;
  }
  return value;
}

/**
 * IPv4 address of `s[start, end)` as an unsigned 32-bit number, or -1. Accepts `a`,
 * `a.b`, `a.b.c`, `a.b.c.d` where the last part fills the remaining bytes, each part
 * decimal, octal or hex, and a single trailing dot.
 */
export function parseIPv4(s: string, start = 0, end = s.length): number {
  if (end > start && s.charCodeAt(end - 1) === DOT) end--;
  if (end <= start) return -1;
  let result = 0;
  let count = 0;
  let partStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && s.charCodeAt(i) !== DOT) continue;
    const part = parseIPv4Part(s, partStart, i);
    if (part < 0 || count === 4) return -1;
    if (i < end) {
      // every part but the last is one byte
      if (part > 255) return -1;
      result = result * 256 + part;
    } else {
      const rest = 4 - count; // bytes the last part fills
      if (part >= 256 ** rest) return -1;
      result = result * 256 ** rest + part;
    }
    count++;
    partStart = i + 1;
  }
  return result;
}

export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * IPv6 address of `s[start, end)` as eight 16-bit pieces, or undefined. `::`
 * compression, and a dotted-quad IPv4 tail (strict decimal, no leading zeros).
 */
export function parseIPv6(s: string, start = 0, end = s.length): Uint16Array | undefined {
  const pieces = new Uint16Array(8);
  let piece = 0;
  let compress = -1;
  let p = start;
  if (p < end && s.charCodeAt(p) === COLON) {
    if (p + 1 >= end || s.charCodeAt(p + 1) !== COLON) return undefined;
    p += 2;
    piece++;
    compress = piece;
  }
  while (p < end) {
    if (piece === 8) return undefined;
    if (s.charCodeAt(p) === COLON) {
      if (compress !== -1) return undefined;
      p++;
      piece++;
      compress = piece;
      continue;
    }
    let value = 0;
    let length = 0;
    while (length < 4 && p < end) {
      const d = hexDigit(s.charCodeAt(p));
      if (d < 0) break;
      value = value * 16 + d;
      p++;
      length++;
    }
    if (p < end && s.charCodeAt(p) === DOT) {
      // embedded IPv4 in the last two pieces
      if (length === 0 || piece > 6) return undefined;
      p -= length;
      const v4 = parseStrictDottedQuad(s, p, end);
      if (v4 < 0) return undefined;
      pieces[piece] = v4 >>> 16;
      pieces[piece + 1] = v4 & 0xffff;
      piece += 2;
      p = end;
      break;
    }
    if (p < end) {
      if (s.charCodeAt(p) !== COLON) return undefined;
      p++;
      if (p >= end) return undefined;
    }
    pieces[piece] = value;
    piece++;
  }
  if (compress !== -1) {
    let swaps = piece - compress;
    piece = 7;
    while (piece !== 0 && swaps > 0) {
      const from = compress + swaps - 1;
      const tmp = pieces[piece]!;
      pieces[piece] = pieces[from]!;
      pieces[from] = tmp;
      piece--;
      swaps--;
    }
  } else if (piece !== 8) {
    return undefined;
  }
  return pieces;
}

/** Exactly four decimal bytes without leading zeros, as the tail of an IPv6 address. */
function parseStrictDottedQuad(s: string, start: number, end: number): number {
  let result = 0;
  let parts = 0;
  let p = start;
  while (p <= end) {
    let value = -1;
    while (p < end) {
      const c = s.charCodeAt(p);
      if (c < 0x30 || c > 0x39) break;
      if (value === 0) return -1; // leading zero
      value = (value < 0 ? 0 : value * 10) + (c - 0x30);
      if (value > 255) return -1;
      p++;
    }
    if (value < 0) return -1;
    result = result * 256 + value;
    parts++;
    if (p === end) break;
    if (s.charCodeAt(p) !== DOT || parts === 4) return -1;
    p++;
  }
  return parts === 4 ? result : -1;
}

/** Compressed lowercase text (RFC 5952 / WHATWG): longest run of 2+ zero pieces is `::`. */
export function formatIPv6(pieces: Uint16Array): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (pieces[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && pieces[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    out += pieces[i]!.toString(16);
    if (i < 7) out += ':';
  }
  return out;
}

/** Index of the zone id separator (`%eth0`, `%25eth0`) in an IPv6 literal, or `end`. */
function zoneStart(s: string, start: number, end: number): number {
  for (let i = start; i < end; i++) if (s.charCodeAt(i) === PERCENT) return i;
  return end;
}

/** Could URL host mapping change what `host` spells (escapes, non-ASCII, tabs)? */
function needsMapping(host: string): boolean {
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c === PERCENT || c >= 0x80 || c === 0x09 || c === 0x0a || c === 0x0d) return true;
  }
  return false;
}

/**
 * Canonical form of an IP literal host, whatever its notation: `2130706433`,
 * `0x7f000001`, `0177.0.0.1`, `127.1`, `0x7f.1`, `127.0.0.1.`, percent-encoded or
 * full-width digits (as URL hosts), `[::1]`, `::FFFF:127.0.0.1`, `fe80::1%eth0`.
 * Undefined for anything that is not an IP literal (including hostnames).
 */
export function parseIpLiteral(host: string): IpLiteral | undefined {
  let start = 0;
  let end = host.length;
  if (end === 0) return undefined;
  let bracketed = false;
  if (host.charCodeAt(0) === 0x5b) {
    if (host.charCodeAt(end - 1) !== 0x5d) return undefined;
    start = 1;
    end--;
    bracketed = true;
  }
  let colon = false;
  for (let i = start; i < end && !colon; i++) colon = host.charCodeAt(i) === COLON;
  if (bracketed || colon) {
    const pieces = parseIPv6(host, start, zoneStart(host, start, end));
    return pieces === undefined ? undefined : { family: 6, address: formatIPv6(pieces) };
  }
  let n = parseIPv4(host, start, end);
  if (n < 0) {
    // URL hosts may spell digits with percent escapes or full-width characters.
    if (!needsMapping(host)) return undefined;
    const mapped = canonicalDomainChars(host);
    if (mapped === undefined || mapped === host) return undefined;
    n = parseIPv4(mapped);
    if (n < 0) return undefined;
  }
  return { family: 4, address: formatIPv4(n) };
}

/**
 * The IPv6 pieces of an IPv6 literal (`::1`, `[::1]`, `fe80::1%eth0`), or undefined
 * when `host` is not one. Lets classification and CIDR matching skip formatting.
 */
export function ipv6Pieces(host: string): Uint16Array | undefined {
  if (host.indexOf(':') === -1) return undefined; // IPv4 or a name: skip the allocation
  let start = 0;
  let end = host.length;
  if (host.charCodeAt(0) === 0x5b) {
    if (host.charCodeAt(end - 1) !== 0x5d) return undefined;
    start = 1;
    end--;
  }
  return parseIPv6(host, start, zoneStart(host, start, end));
}

/**
 * The IPv4 address of a v4 literal in any notation as a number, or -1. Used where
 * a canonical text is not needed (classification, CIDR matching).
 */
export function ipv4Number(host: string): number {
  const n = parseIPv4(host);
  if (n >= 0) return n;
  const lit = parseIpLiteral(host);
  return lit !== undefined && lit.family === 4 ? parseIPv4(lit.address) : -1;
}
