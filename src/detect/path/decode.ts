// The forms an input can take on its way to a file path. Apps and frameworks decode
// input in many ways (once, twice, leniently, with Windows separators), so the path
// detector also looks for those decoded forms of each input in the path.

const PERCENT = 0x25;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Byte value of `%XX` at `i`, or -1. */
function escapedByte(s: string, i: number): number {
  if (i + 2 >= s.length || s.charCodeAt(i) !== PERCENT) return -1;
  const hi = hexValue(s.charCodeAt(i + 1));
  const lo = hexValue(s.charCodeAt(i + 2));
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/**
 * Percent-decodes `s` the way a careless decoder would: `%XX` bytes are read as UTF-8
 * that accepts overlong forms (`%c0%ae` is `.`, `%c0%af` is `/`, `%e0%80%ae` is `.`,
 * `%c0%80` is NUL), IIS-style `%uXXXX` escapes are honoured, and anything malformed
 * is kept or replaced by U+FFFD. Never throws. Returns `s` itself when nothing changes.
 */
export function lenientPercentDecode(s: string): string {
  if (s.indexOf('%') === -1) return s;
  let out = '';
  let i = 0;
  const len = s.length;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c !== PERCENT) {
      out += s[i];
      i++;
      continue;
    }
    const lead = escapedByte(s, i);
    if (lead < 0) {
      const unicode = percentU(s, i);
      if (unicode >= 0) {
        out += String.fromCharCode(unicode);
        i += 6;
      } else {
        out += '%';
        i++;
      }
      continue;
    }
    i += 3;
    if (lead < 0x80) {
      out += String.fromCharCode(lead);
      continue;
    }
    // Continuation bytes needed by the lead byte; overlong forms deliberately allowed.
    let need: number;
    let cp: number;
    if (lead >= 0xc0 && lead <= 0xdf) {
      need = 1;
      cp = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      cp = lead & 0x0f;
    } else if (lead >= 0xf0 && lead <= 0xf7) {
      need = 3;
      cp = lead & 0x07;
    } else {
      out += '\ufffd';
      continue;
    }
    let j = i;
    let ok = true;
    for (let k = 0; k < need; k++) {
      const b = escapedByte(s, j);
      if (b < 0x80 || b > 0xbf) {
        ok = false;
        break;
      }
      cp = cp * 64 + (b & 0x3f);
      j += 3;
    }
    if (!ok || cp > 0x10ffff) {
      out += '\ufffd';
      continue;
    }
    out += String.fromCodePoint(cp);
    i = j;
  }
  return out;
}

/** Code unit of an IIS `%uXXXX` escape at `i`, or -1. */
function percentU(s: string, i: number): number {
  if (i + 5 >= s.length || (s.charCodeAt(i + 1) | 0x20) !== 0x75) return -1;
  let v = 0;
  for (let k = 2; k < 6; k++) {
    const h = hexValue(s.charCodeAt(i + k));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/** `s` with every backslash turned into a slash (what a Windows-minded app does). */
export function backslashesToSlashes(s: string): string {
  if (s.indexOf('\\') === -1) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    out += s.charCodeAt(i) === BACKSLASH ? '/' : s[i];
  }
  return out;
}

/**
 * The path of a `file:` URL, as `url.fileURLToPath` would give it on POSIX
 * (`file:///etc/passwd`, `file://localhost/etc/passwd`, `file:/etc/passwd`), or
 * undefined when `s` is not a `file:` URL with a local host.
 */
export function fileUrlPath(raw: string): string | undefined {
  const s = urlParserText(raw);
  if (s.length < 6 || s.slice(0, 5).toLowerCase() !== 'file:') return undefined;
  let i = 5;
  if (s.charCodeAt(5) === SLASH && s.charCodeAt(6) === SLASH) {
    // `file://host/...`: only an empty host or localhost names a local file.
    let end = 7;
    while (end < s.length && s.charCodeAt(end) !== SLASH) end++;
    const host = s.slice(7, end).toLowerCase();
    if (host !== '' && host !== 'localhost') return undefined;
    i = end;
  }
  let stop = s.length;
  for (let k = i; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x3f || c === 0x23) {
      stop = k;
      break;
    }
  }
  const path = s.slice(i, stop);
  if (path.charCodeAt(0) !== SLASH) return undefined;
  return lenientPercentDecode(path);
}

/**
 * The text the WHATWG URL parser reads: leading and trailing C0 controls and spaces cut,
 * tabs and newlines anywhere removed (` \tfi\nle:///etc/passwd` is `file:///etc/passwd`).
 */
export function urlParserText(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  let out = start === 0 && end === s.length ? s : s.slice(start, end);
  for (let i = 0; i < out.length; i++) {
    const c = out.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0d) {
      out = out.replace(/[\t\n\r]/g, '');
      break;
    }
  }
  return out;
}

/** Most decode passes applied to one input (`%25252e` needs three). */
const MAX_DECODE_ROUNDS = 3;

/** A decoded form of an input and the less decoded texts it came from (the input first). */
export interface DecodedForm {
  readonly form: string;
  readonly from: readonly string[];
}

/**
 * The decoded forms of `value` worth looking for in a path, without `value` itself
 * and without duplicates: repeated percent-decoding, backslashes as separators, and
 * the path of a `file:` URL. Each carries the texts it was decoded from: a path that holds
 * one of those verbatim shows the app did not decode there (detector.ts).
 */
export function decodedForms(value: string): DecodedForm[] {
  const forms: DecodedForm[] = [];
  const add = (v: string, from: readonly string[]): void => {
    if (v === value || v.length === 0) return;
    for (let i = 0; i < forms.length; i++) if (forms[i]!.form === v) return;
    forms.push({ form: v, from });
  };
  const chain: string[] = [value];
  let current = value;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = lenientPercentDecode(current);
    if (next === current) break;
    add(next, chain.slice());
    chain.push(next);
    current = next;
  }
  for (let i = 0; i < chain.length; i++) add(backslashesToSlashes(chain[i]!), chain.slice(0, i + 1));
  for (let i = 0; i < chain.length; i++) {
    const file = fileUrlPath(chain[i]!);
    if (file !== undefined) add(file, chain.slice(0, i + 1));
  }
  return forms;
}

/** The decoded forms of `value` (decodedForms) as plain strings. */
export function decodedVariants(value: string): string[] {
  return decodedForms(value).map((f) => f.form);
}
