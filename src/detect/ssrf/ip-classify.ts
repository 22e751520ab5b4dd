// What kind of network an IP address belongs to (IANA special-purpose registries,
// RFC 6890 and successors), and which of those an app must not be steered into.

import { canonicalHost } from './host-canon';
import { ipv4Number, ipv6Pieces } from './ip-parse';

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'cgnat'
  | 'unspecified'
  | 'metadata'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  /** Not an IP address at all; treated as internal so a caller bug fails closed. */
  | 'invalid';

/**
 * Every class but `public` is internal. Multicast, broadcast, documentation,
 * benchmarking and reserved space are included: none is a legitimate destination for
 * an outbound HTTP request, so refusing them costs nothing and closes odd routes
 * (some stacks treat 0.0.0.0 and reserved ranges as local).
 */
export function isInternalClass(c: AddressClass): boolean {
  return c !== 'public';
}

const ip4 = (a: number, b: number, c: number, d: number): number => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;

/** Cloud instance metadata services reachable from inside a VM or container. */
const METADATA_V4 = [
  ip4(169, 254, 169, 254), // AWS, GCP, Azure, DigitalOcean, OpenStack, ...
  ip4(169, 254, 170, 2), // AWS ECS task credentials
  ip4(169, 254, 170, 23), // AWS EKS pod identity
  ip4(100, 100, 100, 200), // Alibaba Cloud
  ip4(192, 0, 0, 192), // Oracle Cloud (legacy)
  ip4(168, 63, 129, 16), // Azure WireServer
];

function inV4(n: number, net: number, prefix: number): boolean {
  return n >>> (32 - prefix) === net >>> (32 - prefix);
}

export function classifyIPv4(n: number): AddressClass {
  if (METADATA_V4.indexOf(n) !== -1) return 'metadata';
  const a = n >>> 24;
  if (a === 0) return 'unspecified'; // "this network"; 0.0.0.0 reaches localhost on Linux
  if (a === 10) return 'private';
  if (a === 127) return 'loopback';
  if (a >= 224) {
    if (a < 240) return 'multicast';
    return n === 0xffffffff ? 'broadcast' : 'reserved';
  }
  if (inV4(n, ip4(172, 16, 0, 0), 12) || inV4(n, ip4(192, 168, 0, 0), 16)) return 'private';
  if (inV4(n, ip4(169, 254, 0, 0), 16)) return 'link-local';
  if (inV4(n, ip4(100, 64, 0, 0), 10)) return 'cgnat';
  if (inV4(n, ip4(192, 0, 0, 0), 24)) return 'reserved'; // IETF protocol assignments
  if (inV4(n, ip4(192, 88, 99, 0), 24)) return 'reserved'; // deprecated 6to4 relay anycast
  if (
    inV4(n, ip4(192, 0, 2, 0), 24) ||
    inV4(n, ip4(198, 51, 100, 0), 24) ||
    inV4(n, ip4(203, 0, 113, 0), 24)
  ) {
    return 'documentation';
  }
  if (inV4(n, ip4(198, 18, 0, 0), 15)) return 'benchmarking';
  return 'public';
}

/** IPv6 metadata endpoints: AWS (IMDS, EKS pod identity) and GCP. */
const METADATA_V6: ReadonlyArray<readonly number[]> = [
  [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x254],
  [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23],
  [0xfd20, 0x00ce, 0, 0, 0, 0, 0, 0x254],
];

function zeroFrom(p: Uint16Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (p[i] !== 0) return false;
  return true;
}

/** The IPv4 address in the last 32 bits. */
function low32(p: Uint16Array): number {
  return p[6]! * 65536 + p[7]!;
}

/** An embedded IPv4 address's class, or `fallback` when that address is public. */
function embedded(v4: number, fallback: AddressClass): AddressClass {
  const c = classifyIPv4(v4);
  return c === 'public' ? fallback : c;
}

export function classifyIPv6(p: Uint16Array): AddressClass {
  for (const m of METADATA_V6) {
    let same = true;
    for (let i = 0; i < 8 && same; i++) same = p[i] === m[i];
    if (same) return 'metadata';
  }
  const p0 = p[0]!;
  if (p0 === 0 && zeroFrom(p, 1, 5)) {
    if (p[5] === 0xffff) return classifyIPv4(low32(p)); // ::ffff:a.b.c.d, IPv4-mapped
    if (p[5] === 0) {
      if (p[6] === 0 && p[7] === 0) return 'unspecified';
      if (p[6] === 0 && p[7] === 1) return 'loopback';
      return embedded(low32(p), 'reserved'); // ::a.b.c.d, deprecated IPv4-compatible
    }
  }
  if (p0 === 0 && zeroFrom(p, 1, 4) && p[4] === 0xffff && p[5] === 0) {
    return classifyIPv4(low32(p)); // ::ffff:0:a.b.c.d, IPv4-translated (SIIT)
  }
  if (p0 === 0x64 && p[1] === 0xff9b) {
    if (zeroFrom(p, 2, 6)) return classifyIPv4(low32(p)); // NAT64 well-known prefix
    if (p[2] === 1) return embedded(low32(p), 'private'); // local-use NAT64, RFC 8215
  }
  if (p0 === 0x2002) return classifyIPv4(p[1]! * 65536 + p[2]!); // 6to4 carries its IPv4
  if (p0 === 0x2001) {
    if (p[1] === 0x0db8) return 'documentation';
    if (p[1] === 0x0002 && p[2] === 0) return 'benchmarking';
    if (p[1] === 0) return 'reserved'; // Teredo
  }
  if (p0 === 0x3fff && p[1]! < 0x1000) return 'documentation'; // 3fff::/20, RFC 9637
  if (p0 === 0x0100 && zeroFrom(p, 1, 4)) return 'reserved'; // discard-only 100::/64
  if ((p0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((p0 & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((p0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((p0 & 0xff00) === 0xff00) return 'multicast';
  if ((p0 & 0xe000) === 0x2000) return 'public'; // global unicast 2000::/3
  return 'reserved';
}

/**
 * Class of an IP address (as DNS returns it, or from `parseIpLiteral`; other notations
 * are accepted too). IPv4-mapped, IPv4-translated, NAT64 and 6to4 addresses are
 * classified by the IPv4 address they carry.
 */
export function classifyAddress(address: string): AddressClass {
  const p = ipv6Pieces(address);
  if (p !== undefined) return classifyIPv6(p);
  const n = ipv4Number(address);
  return n < 0 ? 'invalid' : classifyIPv4(n);
}

/** Hostnames that resolve to a metadata service inside the cloud they belong to. */
const METADATA_NAMES = [
  'metadata.google.internal', // GCP
  'metadata.goog', // GCP
  'metadata', // GCP short name via the VM's search domain
  'instance-data', // AWS short name
  'instance-data.ec2.internal', // AWS
  'metadata.tencentyun.com', // Tencent Cloud
  'metadata.platformequinix.com', // Equinix Metal
];

/** Is `hostname` (name or IP literal in any notation) a cloud metadata endpoint? */
export function isMetadataHostname(hostname: string): boolean {
  const h = canonicalHost(hostname);
  if (h === undefined) return false;
  if (METADATA_NAMES.indexOf(h) !== -1) return true;
  const p = ipv6Pieces(h);
  if (p !== undefined) return classifyIPv6(p) === 'metadata';
  const n = ipv4Number(h);
  return n >= 0 && classifyIPv4(n) === 'metadata';
}
