// Destinations the app owner allows even when they resolve to internal addresses:
// exact hostnames, `*.example.com` wildcards, and address ranges.

import { cidrContains, parseCidr, type Cidr } from './cidr';
import { canonicalHost } from './host-canon';
import { parseIpLiteral } from './ip-parse';

export interface HostAllowlist {
  /**
   * True when `hostname` is listed (exactly or under a wildcard), or when `hostname`
   * (if an IP literal) or the connected `address` lies in a listed range.
   */
  allows(hostname: string, address?: string): boolean;
  /** Entries that could not be understood, for configuration errors. */
  readonly invalid: readonly string[];
}

/**
 * Builds an allowlist from entries such as `api.example.com`, `*.internal.example.com`
 * (any subdomain, at any depth, but not the bare domain), `10.0.0.0/8`, `fd00::/8`,
 * `192.168.1.10` or `[::1]`. Invalid entries are reported in `invalid`, never thrown.
 */
export function parseHostAllowlist(entries: readonly string[]): HostAllowlist {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  const ranges: Cidr[] = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    const text = typeof entry === 'string' ? entry.trim() : '';
    if (text.indexOf('/') !== -1 || parseIpLiteral(text) !== undefined) {
      const range = parseCidr(text);
      if (range === undefined) invalid.push(entry);
      else ranges.push(range);
      continue;
    }
    const wildcard = text.startsWith('*.');
    const host = canonicalHost(wildcard ? text.slice(2) : text);
    if (host === undefined || host.indexOf('*') !== -1 || parseIpLiteral(host) !== undefined) {
      invalid.push(entry);
    } else if (wildcard) {
      suffixes.push('.' + host);
    } else {
      exact.add(host);
    }
  }
  return {
    invalid,
    allows(hostname: string, address?: string): boolean {
      const host = canonicalHost(hostname);
      if (host !== undefined) {
        if (exact.has(host)) return true;
        for (const suffix of suffixes) if (host.length > suffix.length && host.endsWith(suffix)) return true;
      }
      for (const range of ranges) {
        if (host !== undefined && cidrContains(range, host)) return true;
        if (address !== undefined && cidrContains(range, address)) return true;
      }
      return false;
    },
  };
}
