// `client.address` of a finding: the socket peer, or, behind trusted proxies, the address
// the last trusted proxy saw, from X-Forwarded-For. The same rule as Express's `trust proxy`
// (proxy-addr): walk from the socket peer leftwards through X-Forwarded-For while each hop
// is trusted; the first untrusted address is the client. A client can write anything into
// the header, so with `trustProxy` off (the default) it is never read.
import { cidrContains, parseCidr, type Cidr } from '../detect/ssrf/cidr';

/** `trustProxy` as configured: like Express, `true`, a hop count, or addresses/ranges/names. */
export type TrustProxySetting = boolean | number | string | readonly string[];

/** Named ranges Express accepts. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

export type TrustHop = (address: string, hop: number) => boolean;

/** Compiles the setting once per configuration; undefined when proxies are not trusted. */
export function compileTrustProxy(setting: TrustProxySetting): TrustHop | undefined {
  if (setting === false || setting === 0) return undefined;
  if (setting === true) return () => true;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  const entries = typeof setting === 'string' ? setting.split(',') : setting;
  const ranges: Cidr[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    for (const text of NAMED_RANGES[entry] ?? [entry]) {
      const range = parseCidr(text);
      if (range !== undefined) ranges.push(range);
    }
  }
  if (ranges.length === 0) return undefined;
  return (address) => ranges.some((range) => cidrContains(range, address));
}

/** Whether an entry of a `trustProxy` list is an address, a range or a name Express knows. */
export function isTrustProxyEntry(entry: string): boolean {
  const e = entry.trim();
  return NAMED_RANGES[e] !== undefined || parseCidr(e) !== undefined;
}

/** Hops walked at most (the header itself is bounded by Node's header size limit). */
const MAX_HOPS = 64;

/**
 * The client address: `peer` when proxies are not trusted or not in the path, else the
 * first untrusted hop of X-Forwarded-For read right to left (or its leftmost entry when
 * every hop is trusted).
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | readonly string[] | undefined, trust: TrustHop | undefined): string | undefined {
  if (trust === undefined || peer === undefined || forwardedFor === undefined) return peer;
  const header = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',');
  const hops = header.split(',');
  let address = peer;
  let hop = 0;
  for (let i = hops.length - 1; i >= 0 && hop < MAX_HOPS; i--) {
    if (!trust(address, hop)) return address;
    const next = hops[i]!.trim();
    if (next.length === 0) continue;
    address = next;
    hop++;
  }
  return address;
}
