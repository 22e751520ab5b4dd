// Address ranges (`10.0.0.0/8`, `fd00::/8`, or a single address) for allowlists.

import { ipv4Number, ipv6Pieces } from './ip-parse';

export type Cidr =
  | { readonly family: 4; readonly network: number; readonly prefix: number }
  | { readonly family: 6; readonly network: Uint16Array; readonly prefix: number };

/** Parses `address/prefix` or a single address (full-length prefix); undefined if bad. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  let prefix = -1;
  if (slash !== -1) {
    const digits = text.length - slash - 1;
    if (digits < 1 || digits > 3) return undefined;
    prefix = 0;
    for (let i = slash + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return undefined;
      prefix = prefix * 10 + (c - 0x30);
    }
  }
  const pieces = ipv6Pieces(addr);
  if (pieces !== undefined) {
    if (prefix > 128) return undefined;
    return { family: 6, network: pieces, prefix: prefix === -1 ? 128 : prefix };
  }
  const n = ipv4Number(addr);
  if (n < 0 || prefix > 32) return undefined;
  return { family: 4, network: n, prefix: prefix === -1 ? 32 : prefix };
}

function inV4(n: number, net: number, prefix: number): boolean {
  return prefix === 0 || n >>> (32 - prefix) === net >>> (32 - prefix);
}

function inV6(p: Uint16Array, net: Uint16Array, prefix: number): boolean {
  const whole = prefix >>> 4;
  for (let i = 0; i < whole; i++) if (p[i] !== net[i]) return false;
  const bits = prefix & 15;
  if (bits === 0) return true;
  const mask = (0xffff << (16 - bits)) & 0xffff;
  return (p[whole]! & mask) === (net[whole]! & mask);
}

/** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 number, else -1. */
function mappedV4(p: Uint16Array): number {
  for (let i = 0; i < 5; i++) if (p[i] !== 0) return -1;
  return p[5] === 0xffff ? p[6]! * 65536 + p[7]! : -1;
}

/**
 * Is `address` inside the parsed range? IPv4 ranges also match IPv4-mapped IPv6
 * addresses (what a dual-stack socket reports); IPv6 ranges match only IPv6.
 */
export function cidrContains(range: Cidr, address: string): boolean {
  const p = ipv6Pieces(address);
  if (range.family === 6) return p !== undefined && inV6(p, range.network, range.prefix);
  const n = p === undefined ? ipv4Number(address) : mappedV4(p);
  return n >= 0 && inV4(n, range.network, range.prefix);
}

/** `matchesCidr('10.1.2.3', '10.0.0.0/8')`; false when either side does not parse. */
export function matchesCidr(address: string, cidr: string): boolean {
  const range = parseCidr(cidr);
  return range !== undefined && cidrContains(range, address);
}
