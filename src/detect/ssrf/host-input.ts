// Does a user input decide which host an outbound request goes to? (DESIGN section 3:
// SSRF needs the input to control the destination host; the guard then checks the
// address actually connected to.)

import type { UserInput } from '../types';
import { canonicalHost } from './host-canon';
import { parseIpLiteral } from './ip-parse';
import { bareAuthorityHost, urlHost } from './url-host';

/** Longest raw host text worth decoding (253-byte names, percent-encoded: x3). */
const MAX_RAW_HOST = 1024;

/** Hostname as text: lowercase, without brackets and trailing dots. */
function plainHost(hostname: string): string {
  let start = 0;
  let end = hostname.length;
  if (hostname.charCodeAt(0) === 0x5b && hostname.charCodeAt(end - 1) === 0x5d) {
    start = 1;
    end--;
  }
  while (end > start && hostname.charCodeAt(end - 1) === 0x2e) end--;
  return hostname.slice(start, end).toLowerCase();
}

/** Characters that may end a host inside a URL-ish input: the host really stops there. */
function endsHost(c: number): boolean {
  return (
    c === 0x2f || // /
    c === 0x5c || // \
    c === 0x3a || // : port
    c === 0x3f || // ?
    c === 0x23 || // #
    c === 0x5d || // ] end of IPv6 literal
    c === 0x40 || // @ a naive parser's host before credentials
    c === 0x25 // % zone id
  );
}

/** Characters after which a host can start in a URL-ish input. */
function startsHost(c: number): boolean {
  return c === 0x2f || c === 0x5c || c === 0x40 || c === 0x5b; // / \ @ [
}

/**
 * Does `lowered` (an input, lowercased) hold `host` where a URL parser would read it as
 * the host: at the input's start or after `/`, `\`, `@`, `[`, and ending at the input's
 * end, a port, a path, query, fragment, `@` or `]` (a trailing dot allowed)? Prose that
 * merely mentions a name ("runs on localhost now") and longer names that contain it
 * (`localhost.evil.com`, `xlocalhost`) do not count.
 */
function holdsHostAsHost(lowered: string, host: string): boolean {
  let at = lowered.indexOf(host);
  while (at !== -1) {
    const after = at + host.length;
    const before = at === 0 || startsHost(lowered.charCodeAt(at - 1));
    let end = after;
    if (lowered.charCodeAt(end) === 0x2e) end++; // FQDN trailing dot
    const closes = end === lowered.length || endsHost(lowered.charCodeAt(end));
    if (before && closes) return true;
    at = lowered.indexOf(host, at + 1);
  }
  return false;
}

/**
 * Is the input one or more whole labels of the host (`tenant` in `tenant.example.com`,
 * `evil.com` in `api.evil.com`)? A piece of a label (`a` in `api.example.com`) is not.
 */
function isWholeLabels(lowered: string, host: string): boolean {
  let end = lowered.length;
  while (end > 0 && lowered.charCodeAt(end - 1) === 0x2e) end--;
  if (end === 0 || end > host.length || lowered.charCodeAt(0) === 0x2e) return false;
  const label = end === lowered.length ? lowered : lowered.slice(0, end);
  let at = host.indexOf(label);
  while (at !== -1) {
    const startOk = at === 0 || host.charCodeAt(at - 1) === 0x2e;
    const endOk = at + end === host.length || host.charCodeAt(at + end) === 0x2e;
    if (startOk && endOk) return true;
    at = host.indexOf(label, at + 1);
  }
  return false;
}

/**
 * Can raw host text `raw` canonicalize to `canonical`? Plain ASCII only shrinks by case
 * and trailing dots, and only digits or brackets can spell an IP, so most candidates
 * are settled without decoding.
 */
function couldName(raw: string, canonical: string, destIsIp: boolean): boolean {
  if (raw.length > MAX_RAW_HOST) return false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 || c >= 0x80 || c === 0x09 || c === 0x0a || c === 0x0d) return true; // needs decoding
  }
  if (destIsIp) {
    const c = raw.charCodeAt(0);
    return (c >= 0x30 && c <= 0x39) || c === 0x5b || c === 0x3a;
  }
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 0x2e) end--;
  return end === canonical.length;
}

function candidateNames(raw: string | undefined, canonical: string, destIsIp: boolean): boolean {
  return raw !== undefined && couldName(raw, canonical, destIsIp) && canonicalHost(raw) === canonical;
}

/** Does the input, used as a URL, as an authority, or as an IP, name the host? */
function namesHost(value: string, canonical: string, destIsIp: boolean): boolean {
  if (candidateNames(urlHost(value), canonical, destIsIp)) return true;
  if (candidateNames(bareAuthorityHost(value), canonical, destIsIp)) return true;
  // `{ host: '::1' }`: a bare IPv6 literal has colons an authority would read as a port.
  return value.indexOf(':') !== -1 && value.length <= MAX_RAW_HOST && parseIpLiteral(value.trim())?.address === canonical;
}

/**
 * The first input that controls the host of `url`, or undefined. An input controls it
 * when it holds the host where a URL parser reads a host (parser-confusion forms such
 * as `http://allowed.com@evil`, `http://evil\@allowed`, `http://evil#@allowed` included),
 * when it is one or more whole labels of a DNS host, or when, read as a URL, an
 * authority or an IP literal in any notation (`2130706433`, `http://0x7f.1`,
 * `http://%6c%6fcalhost`), it names the same host. `href` is used only when `hostname`
 * is empty.
 */
export function findHostControllingInput(
  url: { readonly hostname: string; readonly href?: string },
  inputs: readonly UserInput[],
): UserInput | undefined {
  let hostname = url.hostname;
  if (hostname.length === 0 && url.href !== undefined) hostname = urlHost(url.href) ?? '';
  if (hostname.length === 0 || inputs.length === 0) return undefined;
  const text = plainHost(hostname);
  if (text.length === 0) return undefined;
  const canonical = canonicalHost(hostname) ?? text;
  // Octets are not labels: `1` must not control `10.0.0.1`.
  const isIp = parseIpLiteral(canonical) !== undefined;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const value = input.value;
    if (value.length === 0) continue;
    const lowered = value.toLowerCase();
    if (holdsHostAsHost(lowered, text)) return input;
    if (!isIp && isWholeLabels(lowered, text)) return input;
    if (namesHost(value, canonical, isIp)) return input;
  }
  return undefined;
}
