// Which host a URL string names, as the WHATWG URL parser (`new URL`, fetch, undici)
// decides it. Written out so that the tricks that make naive parsers disagree
// (`http://allowed@evil`, `http://evil\@allowed`, `http://evil#@allowed`,
// `http:evil`, `http:\\evil`) resolve to the host a real client connects to.

const SPECIAL_SCHEMES = ['http', 'https', 'ws', 'wss', 'ftp'];

function isAlpha(c: number): boolean {
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

function isTabOrNewline(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d;
}

/** URL parsing ignores tabs and newlines anywhere; drop them (copy only if present). */
function withoutTabsAndNewlines(s: string): string {
  let i = 0;
  while (i < s.length && !isTabOrNewline(s.charCodeAt(i))) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) if (!isTabOrNewline(s.charCodeAt(i))) out += s[i];
  return out;
}

/**
 * Cheap pre-check: does `value` start (after spaces, ignoring tabs and newlines) with
 * `scheme:`? Lets `urlHost` skip plain text without copying it.
 */
function hasSchemePrefix(value: string): boolean {
  let i = 0;
  while (i < value.length && value.charCodeAt(i) <= 0x20 && !isTabOrNewline(value.charCodeAt(i))) i++;
  let first = true;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isTabOrNewline(c)) continue;
    if (first) {
      if (!isAlpha(c)) return false;
      first = false;
      continue;
    }
    if (c === 0x3a) return true;
    if (!(isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e)) return false;
  }
  return false;
}

/**
 * Raw host text (brackets kept, not decoded) of the authority that starts at `start`:
 * the authority ends at `/`, `?`, `#` (and `\` for special schemes), credentials end at
 * its last `@`, and the port starts at a `:` outside brackets. Undefined when empty.
 */
export function authorityHost(s: string, start: number, special: boolean): string | undefined {
  let end = start;
  let lastAt = -1;
  for (; end < s.length; end++) {
    const c = s.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23 || (special && c === 0x5c)) break;
    if (c === 0x40) lastAt = end;
  }
  const hostStart = lastAt === -1 ? start : lastAt + 1;
  let hostEnd = hostStart;
  let inBrackets = false;
  for (; hostEnd < end; hostEnd++) {
    const c = s.charCodeAt(hostEnd);
    if (c === 0x5b) inBrackets = true;
    else if (c === 0x5d) inBrackets = false;
    else if (c === 0x3a && !inBrackets) break;
  }
  return hostEnd > hostStart ? s.slice(hostStart, hostEnd) : undefined;
}

/**
 * Raw host of an absolute URL with a network scheme (`http:`, `https:`, `ws:`, `wss:`,
 * `ftp:`, or any other scheme followed by `//`), or undefined when `value` is not one.
 * Special schemes skip any run of `/` and `\` before the authority, as browsers do.
 */
export function urlHost(value: string): string | undefined {
  if (!hasSchemePrefix(value)) return undefined; // most inputs: no copy, no scan past it
  const s = withoutTabsAndNewlines(value);
  let lo = 0;
  let hi = s.length;
  while (lo < hi && s.charCodeAt(lo) <= 0x20) lo++;
  while (hi > lo && s.charCodeAt(hi - 1) <= 0x20) hi--;
  if (lo >= hi || !isAlpha(s.charCodeAt(lo))) return undefined;
  let colon = lo + 1;
  for (; colon < hi; colon++) {
    const c = s.charCodeAt(colon);
    if (c === 0x3a) break;
    const schemeChar = isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
    if (!schemeChar) return undefined;
  }
  if (colon >= hi) return undefined;
  const scheme = s.slice(lo, colon).toLowerCase();
  const body = s.slice(0, hi);
  if (SPECIAL_SCHEMES.indexOf(scheme) !== -1) {
    let p = colon + 1;
    while (p < hi && (body.charCodeAt(p) === 0x2f || body.charCodeAt(p) === 0x5c)) p++;
    return authorityHost(body, p, true);
  }
  if (scheme === 'file') return undefined; // names a local file, not a network peer
  if (body.charCodeAt(colon + 1) !== 0x2f || body.charCodeAt(colon + 2) !== 0x2f) return undefined;
  return authorityHost(body, colon + 3, false);
}

/**
 * Raw host of `value` used as the start of an authority, as in `http://${value}` or
 * `{ host: value }`: leading slashes are skipped like after `http:`. Only the authority
 * part is copied, so long text costs one scan.
 */
export function bareAuthorityHost(value: string): string | undefined {
  let p = 0;
  for (; p < value.length; p++) {
    const c = value.charCodeAt(p);
    if (c !== 0x2f && c !== 0x5c && !isTabOrNewline(c)) break;
  }
  let end = p;
  for (; end < value.length; end++) {
    const c = value.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) break;
  }
  if (end === value.length) while (end > p && value.charCodeAt(end - 1) <= 0x20) end--; // URL trims the end
  const authority = withoutTabsAndNewlines(value.slice(p, end));
  return authorityHost(authority, 0, true);
}
