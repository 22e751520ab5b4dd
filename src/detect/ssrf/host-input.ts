// Does a user input decide which host an outbound request goes to? (DESIGN section 3:
// SSRF needs the input to control the destination host; the guard then checks the
// address actually connected to.)

import type { UserInput } from '../types';
import { InputMemo, MemoRow } from '../input-memo';
import { indexOfLinear, nextOccurrence, smallestPeriod } from '../occurrences';
import { asciiHost, canonicalHost } from './host-canon';
import { assembledBy, MAX_CANDIDATES, mayTakePart, pieceFormsOf, type PieceForms } from './assembled-host';
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
function holdsHostAsHost(lowered: string, host: string, at: number): boolean {
  let period = 0; // made when a second occurrence is looked for
  while (at !== -1) {
    const after = at + host.length;
    const before = at === 0 || startsHost(lowered.charCodeAt(at - 1));
    let end = after;
    if (lowered.charCodeAt(end) === 0x2e) end++; // FQDN trailing dot
    const closes = end === lowered.length || endsHost(lowered.charCodeAt(end));
    if (before && closes) return true;
    if (period === 0) period = smallestPeriod(host);
    at = nextOccurrence(lowered, host, at, period);
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
  let at = indexOfLinear(host, label, 0);
  let period = 0; // made when a second occurrence is looked for
  while (at !== -1) {
    const startOk = at === 0 || host.charCodeAt(at - 1) === 0x2e;
    const endOk = at + end === host.length || host.charCodeAt(at + end) === 0x2e;
    if (startOk && endOk) return true;
    if (period === 0) period = smallestPeriod(label);
    at = nextOccurrence(host, label, at, period);
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

function hasNonAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x80) return true;
  return false;
}

// What `HostFacts.shape` records about an input value.
const ENCODED = 1; // `%`, non-ASCII, tab or newline: may spell a host in other characters
const IP_CHARS = 2; // a digit, `[` or `:`: may spell an IP literal

function shapeOf(value: string): number {
  let shape = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x25 || c >= 0x80 || c === 0x09 || c === 0x0a || c === 0x0d) shape |= ENCODED;
    else if ((c >= 0x30 && c <= 0x3a) || c === 0x5b) shape |= IP_CHARS;
  }
  return shape;
}

/**
 * What an input says about hosts, whatever the destination: derived once per input and
 * reused for every outbound request of the request (input-memo.ts). The hosts it names are
 * parsed and canonicalized only when a destination first needs them (null: not yet).
 */
class HostFacts {
  readonly lowered: string;
  readonly shape: number;
  private urlRaw: string | undefined | null = null;
  private authorityRaw: string | undefined | null = null;
  private urlHost: string | undefined | null = null;
  private authorityHost: string | undefined | null = null;
  private ipHost: string | undefined | null = null;
  private ascii: string | undefined | null = null;
  private pieceForms: PieceForms | undefined;

  constructor(readonly value: string) {
    this.lowered = value.toLowerCase();
    this.shape = shapeOf(value);
  }

  /**
   * The input's punycode form when it is non-ASCII name text (`tenänt`, `exämple.com`):
   * the URL parser connects to that spelling, so labels are compared in it.
   */
  asciiLabels(): string | undefined {
    if (this.ascii === null) this.ascii = (this.shape & ENCODED) !== 0 && hasNonAscii(this.lowered) ? asciiHost(this.lowered) : undefined;
    return this.ascii;
  }

  /** What the input may contribute to a host assembled from several inputs (assembled-host.ts). */
  pieces(): PieceForms {
    return (this.pieceForms ??= pieceFormsOf(this.lowered));
  }

  /** Does the input, used as a URL, as an authority, or as an IP, name the host? */
  namesHost(canonical: string, destIsIp: boolean): boolean {
    const value = this.value;
    if (this.urlRaw === null) {
      this.urlRaw = urlHost(value);
      this.authorityRaw = bareAuthorityHost(value);
    }
    const url = this.urlRaw;
    if (url !== undefined && couldName(url, canonical, destIsIp)) {
      if (this.urlHost === null) this.urlHost = canonicalHost(url);
      if (this.urlHost === canonical) return true;
    }
    const authority = this.authorityRaw as string | undefined; // set with urlRaw
    if (authority !== undefined && couldName(authority, canonical, destIsIp)) {
      if (this.authorityHost === null) this.authorityHost = canonicalHost(authority);
      if (this.authorityHost === canonical) return true;
    }
    // `{ host: '::1' }`: a bare IPv6 literal has colons an authority would read as a port.
    if (this.ipHost === null) {
      this.ipHost = value.indexOf(':') !== -1 && value.length <= MAX_RAW_HOST ? parseIpLiteral(value.trim())?.address : undefined;
    }
    return this.ipHost === canonical;
  }
}

const factsMemo = new InputMemo<HostFacts>();

function factsOf(row: MemoRow<HostFacts>, i: number, input: UserInput, value: string): HostFacts {
  return row.get(i, input, value) ?? row.set(i, input, value, new HostFacts(value));
}

/**
 * Could the input, as a URL, authority or IP literal, name the destination? Decoding is
 * needed only for values with escapes or non-ASCII. Otherwise a host text is a piece of
 * the value: a DNS name then appears in it (lowercased, as canonical hosts are) and an IP
 * literal in any notation starts with a digit, `[` or `:`. (A DNS destination is never
 * named by an IP literal, whose canonical text would parse as an IP.)
 */
function mayName(facts: HostFacts, canonical: string, isIp: boolean, textAt: number, text: string): boolean {
  if ((facts.shape & ENCODED) !== 0) return true;
  if (isIp) return (facts.shape & IP_CHARS) !== 0;
  return canonical === text ? textAt !== -1 : indexOfLinear(facts.lowered, canonical, 0) !== -1;
}

/** The same text from two inputs (a query value echoed in a header) is one piece, not two. */
function samePieces(pieces: readonly PieceForms[] | undefined, forms: PieceForms): boolean {
  if (pieces === undefined) return false;
  for (const p of pieces) if (p.core === forms.core && p.lead === forms.lead && p.trail === forms.trail) return true;
  return false;
}

/** The last destination looked at: apps call the same few hosts again and again. */
const dest = { hostname: '', text: '', canonical: '', isIp: false };

function setDestination(hostname: string): void {
  if (hostname === dest.hostname) return;
  const text = plainHost(hostname);
  const canonical = text.length === 0 ? '' : (canonicalHost(hostname) ?? text);
  dest.hostname = hostname;
  dest.text = text;
  dest.canonical = canonical;
  // Octets are not labels: `1` must not control `10.0.0.1`.
  dest.isIp = text.length !== 0 && parseIpLiteral(canonical) !== undefined;
}

/**
 * The first input that controls the host of `url`, or undefined. An input controls it
 * when it holds the host where a URL parser reads a host (parser-confusion forms such
 * as `http://allowed.com@evil`, `http://evil\@allowed`, `http://evil#@allowed` included),
 * when it is one or more whole labels of a DNS host, or when, read as a URL, an
 * authority or an IP literal in any notation (`2130706433`, `http://0x7f.1`,
 * `http://%6c%6fcalhost`), it names the same host; or when inputs none of which names it
 * alone spell it together (assembled-host.ts). `href` is used only when `hostname` is empty.
 */
export function findHostControllingInput(
  url: { readonly hostname: string; readonly href?: string },
  inputs: readonly UserInput[],
): UserInput | undefined {
  let hostname = url.hostname;
  if (hostname.length === 0 && url.href !== undefined) hostname = urlHost(url.href) ?? '';
  if (hostname.length === 0 || inputs.length === 0) return undefined;
  setDestination(hostname);
  const { text, canonical, isIp } = dest;
  if (text.length === 0) return undefined;
  const row = factsMemo.rowFor(inputs);
  let pieces: PieceForms[] | undefined; // inputs that may spell part of the host, with others
  let owners: UserInput[] | undefined;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const value = input.value;
    if (value.length === 0) continue;
    const facts = factsOf(row, i, input, value);
    const textAt = indexOfLinear(facts.lowered, text, 0);
    if (holdsHostAsHost(facts.lowered, text, textAt)) return input;
    if (!isIp && isWholeLabels(facts.lowered, text)) return input;
    if (!isIp && facts.asciiLabels() !== undefined && isWholeLabels(facts.asciiLabels()!, text)) return input;
    if (mayName(facts, canonical, isIp, textAt, text) && facts.namesHost(canonical, isIp)) return input;
    if ((pieces === undefined || pieces.length < MAX_CANDIDATES) && mayTakePart(facts.pieces(), text) && !samePieces(pieces, facts.pieces())) {
      (pieces ??= []).push(facts.pieces());
      (owners ??= []).push(input);
    }
  }
  if (pieces === undefined || pieces.length < 2) return undefined;
  const blamed = assembledBy(text, isIp, pieces);
  return blamed === -1 ? undefined : owners![blamed];
}
