'use strict';
// SSRF: CRS 934 SSRF payloads (934110 vanilla SSRF, 934120 IP obfuscation, 934170 data:
// scheme, 934190 scheme-less hosts) as user input that chooses where an app sends a
// request. Offline only: nothing is resolved and no request is made.
//
// Ground truth: Node's WHATWG `new URL()` decides what the request would target; the
// input is an attack iff it put the destination host there (compared with the template's
// own host) and that host is an internal address: an IP literal inside the ranges below
// or, for IPv6, outside global unicast 2000::/3 (checked with node:net BlockList,
// independent of the detector's classifier; IPv4-mapped and NAT64 forms by their IPv4), or
// `localhost` / `*.localhost` (which resolvers answer with loopback, RFC 6761). URLs that
// do not parse or are not http(s) make no HTTP request and are not attacks here. Any other
// host name needs DNS to decide; those cases are counted apart as "no oracle".

const net = require('node:net');
const corpora = require('./corpora');
const { load, input, verdict } = require('./detectors');
const { Tally, MistakeLog, outcomeOf } = require('./tally');

const FILES = /^(934110|934120|934170|934190)\.yaml$/;
const APP_HOST = 'api.example.com';

const TEMPLATES = [
  { name: 'new URL(p)', build: (p) => p },
  { name: "new URL('http://' + p)", build: (p) => `http://${p}` },
  { name: `new URL('https://${APP_HOST}/v1/' + p)`, build: (p) => `https://${APP_HOST}/v1/${p}` },
];

// Non-public destinations (IANA special-purpose registries).
const internal = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
]) internal.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64],
]) internal.addSubnet(net6, bits, 'ipv6');
// IPv6 outside 2000::/3 (global unicast) is unallocated or special: not a public destination.
const globalUnicast = new net.BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');
for (const [net6, bits] of [['2001::', 23], ['2002::', 16]]) internal.addSubnet(net6, bits, 'ipv6'); // IETF protocol assignments, 6to4
// Cloud metadata addresses outside those ranges.
for (const a of ['168.63.129.16']) internal.addAddress(a, 'ipv4');

/** IPv4 embedded in an IPv6 address (mapped, compatible, NAT64), or undefined. */
function embeddedV4(v6) {
  const m = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(v6);
  if (m) return m[1];
  const h = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(v6);
  if (!h) return undefined;
  const hi = parseInt(h[1], 16);
  const lo = parseInt(h[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** 'internal' | 'public' | 'dns' for a WHATWG URL hostname. */
function classifyHost(hostname) {
  const h = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const family = net.isIP(h);
  if (family === 4) return internal.check(h, 'ipv4') ? 'internal' : 'public';
  if (family === 6) {
    const v4 = embeddedV4(h);
    if (v4) return internal.check(v4, 'ipv4') ? 'internal' : 'public';
    return internal.check(h, 'ipv6') || !globalUnicast.check(h, 'ipv6') ? 'internal' : 'public';
  }
  const name = h.replace(/\.$/, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return 'internal';
  return 'dns';
}

function oracle(url) {
  if (!url) return { attack: false, reason: 'not a URL: no request' };
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { attack: false, reason: `${url.protocol} URL: no HTTP request` };
  if (url.hostname === APP_HOST) return { attack: false, reason: 'host stays the app’s' };
  const cls = classifyHost(url.hostname);
  if (cls === 'dns') return { attack: undefined, reason: `host ${url.hostname} needs DNS` };
  return { attack: cls === 'internal', reason: `host ${url.hostname} is ${cls}` };
}

async function run() {
  const notes = [];
  const sets = corpora.crsSets('934', (n) => FILES.test(n));
  if (sets === undefined) notes.push('CRS 934 skipped: the `yaml` package is not installed');
  const det = load('ssrf', ['findHostControllingInput', 'parseIpLiteral', 'classifyAddress', 'isInternalClass']);
  if (det.error) notes.push(`detector: ${det.error}`);
  const tally = new Tally();
  const mistakes = new MistakeLog();
  const noOracle = { total: 0, controlled: 0 };
  let cases = 0;
  for (const set of sets ?? []) {
    for (const payload of set.payloads) {
      for (const t of TEMPLATES) {
        let url;
        try {
          url = new URL(t.build(payload));
        } catch {
          url = undefined;
        }
        const o = oracle(url);
        let d;
        if (!det.mod) d = { error: det.error };
        else if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) d = { flagged: false }; // no request, no hook call
        else d = verdict(() => detectorFlags(det.mod, url, payload, o.attack === undefined));
        if (o.attack === undefined) {
          noOracle.total++;
          if (d.flagged) noOracle.controlled++;
        }
        const outcome = outcomeOf(o.attack, d);
        tally.add({ file: set.file, label: set.label, template: t.name }, outcome);
        mistakes.note(outcome, { file: set.file, payload, template: t.name, why: o.reason, rule: d.rule ?? d.error });
        cases++;
      }
    }
  }
  notes.push(`${noOracle.total} cases name a host that needs DNS (no oracle offline); the detector says the input controls the host in ${noOracle.controlled} of them`);
  return { name: 'ssrf', title: 'SSRF (findHostControllingInput + parseIpLiteral/classifyAddress/isInternalClass)', tally, mistakes, notes, cases, labelFields: ['template'] };
}

/**
 * The guard's decision without DNS: the input must control the host, and the address
 * must be internal. For an IP literal that address is the literal; `localhost` resolves
 * to loopback; for other names only host control can be judged (hostOnly).
 */
function detectorFlags(m, url, payload, hostOnly) {
  const who = m.findHostControllingInput({ hostname: url.hostname, href: url.href }, input(payload));
  if (!who) return undefined;
  if (hostOnly) return { rule: 'ssrf.host-control' };
  const ip = m.parseIpLiteral(url.hostname);
  const address = ip ? ip.address : '127.0.0.1'; // localhost, as the resolver answers
  const cls = m.classifyAddress(address);
  return m.isInternalClass(cls) ? { rule: `ssrf.internal (${cls})` } : undefined;
}

module.exports = { run };

if (require.main === module) {
  require('./run')
    .main(['ssrf'])
    .finally(() => process.exit(0));
}
