// One spelling per destination host, so that hosts taken from different places (the
// URL the app requested, a user input, an allowlist entry) can be compared as text.

import { canonicalDomainChars, hexDigit } from './host-chars';
import { formatIPv4, parseIPv4, parseIpLiteral } from './ip-parse';

/** Does the last label look like a number (`1`, `0x7f`, `0x`)? Then it is IPv4 or bad. */
function endsInNumber(h: string): boolean {
  const labelStart = h.lastIndexOf('.') + 1;
  if (labelStart === h.length) return false;
  let i = labelStart;
  if (h.length - i >= 2 && h.charCodeAt(i) === 0x30 && h.charCodeAt(i + 1) === 0x78) {
    for (i += 2; i < h.length; i++) if (hexDigit(h.charCodeAt(i)) < 0) return false;
    return true;
  }
  for (; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * One spelling per destination, for comparing hosts: IP literals canonical (without
 * brackets), domains decoded, folded, lowercased and without trailing dots.
 * Undefined for text no URL parser would accept as a host.
 */
export function canonicalHost(host: string): string | undefined {
  if (host.length === 0) return undefined;
  if (host.charCodeAt(0) === 0x5b) return parseIpLiteral(host)?.address;
  let colon = false;
  for (let i = 0; i < host.length && !colon; i++) colon = host.charCodeAt(i) === 0x3a;
  if (colon) return parseIpLiteral(host)?.address; // bare IPv6 (as from DNS)
  let mapped = canonicalDomainChars(host);
  if (mapped === undefined) return undefined;
  let end = mapped.length;
  while (end > 0 && mapped.charCodeAt(end - 1) === 0x2e) end--;
  if (end === 0) return undefined;
  if (end !== mapped.length) mapped = mapped.slice(0, end);
  if (!isAscii(mapped)) {
    // An internationalized name: the URL parser connects to its punycode form
    // (`exämple.com` -> `xn--exmple-cua.com`), so that is its spelling here too.
    const ascii = asciiHost(mapped);
    if (ascii === undefined) return undefined;
    mapped = ascii;
  }
  if (!endsInNumber(mapped)) return mapped;
  const n = parseIPv4(mapped);
  return n < 0 ? undefined : formatIPv4(n);
}

function isAscii(h: string): boolean {
  for (let i = 0; i < h.length; i++) if (h.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * The ASCII (punycode) form of a domain as the WHATWG URL parser computes it (UTS #46),
 * or undefined when the parser rejects it. Only asked for non-ASCII names.
 */
export function asciiHost(domain: string): string | undefined {
  if (domain.length === 0 || domain.length > 1024) return undefined;
  for (let i = 0; i < domain.length; i++) {
    const c = domain.charCodeAt(i);
    // Characters that would end the host inside the probe URL: not one name then.
    if (c === 0x2f || c === 0x5c || c === 0x3f || c === 0x23 || c === 0x40 || c === 0x3a || c <= 0x20) return undefined;
  }
  try {
    const hostname = new URL(`http://${domain}/`).hostname;
    return hostname.length > 0 ? hostname : undefined;
  } catch {
    return undefined;
  }
}
