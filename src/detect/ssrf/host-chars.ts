// Host text as a URL parser sees it: percent escapes decoded, and the compatibility
// characters that IDNA mapping (UTS #46) folds to ASCII folded the same way, so that
// `%6c%6fcalhost`, `ＬＯＣＡＬＨＯＳＴ`, `ⓛocalhost` and `127。0。0。1` all compare equal to
// the plain spelling. Only the ASCII-producing part of UTS #46 is reproduced: other
// non-ASCII text stays as it is (lowercased), it cannot spell an IP or a plain name.

/** Value of an ASCII hex digit, or -1. */
export function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Code points UTS #46 drops from domains (soft hyphen, zero-width, joiners, selectors). */
function isIgnored(cp: number): boolean {
  return (
    cp === 0x00ad ||
    cp === 0x034f ||
    (cp >= 0x180b && cp <= 0x180d) ||
    cp === 0x200b ||
    cp === 0x2060 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff
  );
}

const SUPERSCRIPTS: Record<number, string> = { 0xb9: '1', 0xb2: '2', 0xb3: '3', 0x2070: '0' };

/** ASCII text UTS #46 maps `cp` to, or undefined when it does not map to ASCII. */
function asciiFold(cp: number): string | undefined {
  if (cp >= 0xff01 && cp <= 0xff5e) return String.fromCharCode(cp - 0xfee0).toLowerCase(); // full-width
  if (cp === 0x3002 || cp === 0xff0e || cp === 0xff61) return '.'; // ideographic full stops
  if (cp >= 0x24b6 && cp <= 0x24cf) return String.fromCharCode(0x61 + cp - 0x24b6); // Ⓐ..Ⓩ
  if (cp >= 0x24d0 && cp <= 0x24e9) return String.fromCharCode(0x61 + cp - 0x24d0); // ⓐ..ⓩ
  if (cp >= 0x2460 && cp <= 0x2473) return String(cp - 0x2460 + 1); // ①..⑳
  if (cp === 0x24ea) return '0'; // ⓪
  if (cp >= 0x2074 && cp <= 0x2079) return String(cp - 0x2070); // ⁴..⁹
  if (cp >= 0x2080 && cp <= 0x2089) return String(cp - 0x2080); // ₀..₉
  if (cp >= 0x1d400 && cp <= 0x1d6a3) {
    // mathematical alphanumerics: blocks of A-Z then a-z in many styles
    const i = (cp - 0x1d400) % 52;
    return String.fromCharCode(0x61 + (i % 26));
  }
  if (cp >= 0x1d7ce && cp <= 0x1d7ff) return String.fromCharCode(0x30 + ((cp - 0x1d7ce) % 10));
  return SUPERSCRIPTS[cp];
}

/** Forbidden domain code points of the URL standard (after decoding and mapping). */
function isForbidden(c: number): boolean {
  return (
    c <= 0x20 ||
    c === 0x7f ||
    c === 0x23 || // #
    c === 0x25 || // %
    c === 0x2f || // /
    c === 0x3a || // :
    c === 0x3c || // <
    c === 0x3e || // >
    c === 0x3f || // ?
    c === 0x40 || // @
    c === 0x5b || // [
    c === 0x5c || // \
    c === 0x5d || // ]
    c === 0x5e || // ^
    c === 0x7c // |
  );
}

/**
 * Percent-decodes (strict UTF-8) and folds `host` as described above, lowercased;
 * undefined when the result is not a valid domain text (invalid UTF-8, forbidden
 * characters, empty). Tabs and newlines are dropped first, as URL parsing does.
 */
export function canonicalDomainChars(host: string): string | undefined {
  // Fast path: plain ASCII needs at most lowercasing.
  let upper = false;
  let plain = host.length > 0;
  for (let k = 0; k < host.length && plain; k++) {
    const c = host.charCodeAt(k);
    if (c >= 0x80 || c === 0x25 || isForbidden(c)) plain = false;
    else if (c >= 0x41 && c <= 0x5a) upper = true;
  }
  if (plain) return upper ? host.toLowerCase() : host;
  let out = '';
  let i = 0;
  const len = host.length;
  while (i < len) {
    let cp = host.codePointAt(i)!;
    let width = cp > 0xffff ? 2 : 1;
    if (cp === 0x09 || cp === 0x0a || cp === 0x0d) {
      i++;
      continue;
    }
    if (cp === 0x25) {
      const decoded = decodeUtf8Escapes(host, i);
      if (decoded === undefined) return undefined;
      if (decoded.consumed === 0) return undefined; // a lone `%` is forbidden
      cp = decoded.cp;
      width = decoded.consumed;
    }
    i += width;
    if (cp < 0x80) {
      if (isForbidden(cp)) return undefined;
      out += String.fromCharCode(cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp);
      continue;
    }
    if (isIgnored(cp)) continue;
    const folded = asciiFold(cp);
    if (folded !== undefined) {
      out += folded;
      continue;
    }
    out += String.fromCodePoint(cp).toLowerCase();
  }
  return out.length === 0 ? undefined : out;
}

/** Decodes one UTF-8 sequence of `%XX` escapes at `i` (shortest form only). */
function decodeUtf8Escapes(s: string, i: number): { cp: number; consumed: number } | undefined {
  const lead = escapedByte(s, i);
  if (lead < 0) return { cp: 0, consumed: 0 };
  if (lead < 0x80) return { cp: lead, consumed: 3 };
  let need: number;
  let cp: number;
  let min: number;
  if (lead >= 0xc2 && lead <= 0xdf) {
    need = 1;
    cp = lead & 0x1f;
    min = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    need = 2;
    cp = lead & 0x0f;
    min = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    need = 3;
    cp = lead & 0x07;
    min = 0x10000;
  } else {
    return undefined;
  }
  let j = i + 3;
  for (let k = 0; k < need; k++, j += 3) {
    const b = escapedByte(s, j);
    if (b < 0x80 || b > 0xbf) return undefined;
    cp = cp * 64 + (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return { cp, consumed: j - i };
}

function escapedByte(s: string, i: number): number {
  if (i + 2 >= s.length || s.charCodeAt(i) !== 0x25) return -1;
  const hi = hexDigit(s.charCodeAt(i + 1));
  const lo = hexDigit(s.charCodeAt(i + 2));
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}
