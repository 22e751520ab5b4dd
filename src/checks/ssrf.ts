// What the outbound sinks ask the guard. A destination is an attack when user input
// controls its host and an address it is connected to is internal (DESIGN section 3);
// cloud metadata addresses are refused whoever chose them.
import type { Config } from '../config/types';
import type * as SsrfDetector from '../detect/ssrf';
import type { HostAllowlist } from '../detect/ssrf';
import { currentContext } from '../context/store';
import { lazily } from '../lazy';
import type { Detection, UserInput } from '../detect/types';
import type { InputFreeDetector, SinkDetector } from '../guard';
import type { SinkAttributes } from '../report/finding';

// The address classifier and host detectors load with the first outbound check.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ssrf = lazily(() => require('../detect/ssrf') as typeof SsrfDetector);

/** One destination of an outbound call, at call time (no addresses yet) or at connect time. */
export interface Destination {
  /** Host the client resolves (URL hostname, `options.host`), brackets allowed; '' if none was given. */
  readonly hostname: string;
  readonly port: unknown;
  /** The URL the app asked for, when there is one; reported without credentials. */
  readonly url: string | undefined;
  /** Addresses about to be connected to (DNS answers, or the host itself when an IP). */
  readonly addresses: readonly string[] | undefined;
  /** Input known to steer the call this destination belongs to (redirect hops follow it). */
  readonly steeredBy: UserInput | undefined;
  /** At call time: only find the controlling input; addresses are judged at connect. */
  readonly deferred?: boolean;
  /**
   * Asked only once an input is found to name the host: true when the call is the app's
   * own traffic (a telemetry export, a driver's pool), whose host the request did not give.
   */
  chosenByApp?: () => boolean;
  /** Out: the input found to control the host. */
  controller?: UserInput;
  /** Out: the address the detection is about. */
  offending?: string;
}

const allowlists = new WeakMap<Config, HostAllowlist>();

function allowlistOf(config: Config): HostAllowlist {
  let allowlist = allowlists.get(config);
  if (allowlist === undefined) {
    allowlist = ssrf().parseHostAllowlist(config.ssrf.allowHosts);
    allowlists.set(config, allowlist);
  }
  return allowlist;
}

/** Inputs made from the request path's plain words (path-words.ts): as lasting as the path. */
const pathWordInputs = new WeakSet<UserInput>();

/** Same input, possibly re-collected (a body walked again yields new objects). */
function stillPresent(input: UserInput, inputs: readonly UserInput[]): boolean {
  if (pathWordInputs.has(input)) return true;
  for (const i of inputs) {
    if (i === input || (i.value === input.value && i.path === input.path && i.source === input.source)) return true;
  }
  return false;
}

function addressesOf(d: Destination): readonly string[] | undefined {
  if (d.addresses !== undefined) return d.addresses;
  const literal = ssrf().parseIpLiteral(d.hostname);
  return literal === undefined ? undefined : [literal.address];
}

// Headers that name this server itself (the Host the client connected to, the page it came
// from). They always "contain" the app's own host, so counting them made the app's own
// connections (a database on localhost opened inside a request) look steered by the client.
const SELF_REFERENCE_HEADERS = new Set(['host', ':authority', 'origin', 'referer', 'x-forwarded-host']);

function isSelfReference(input: UserInput): boolean {
  return input.source === 'headers' && SELF_REFERENCE_HEADERS.has(input.path);
}

function hostControllingInput(d: Destination, inputs: readonly UserInput[]): UserInput | undefined {
  // The URL is looked at only when there is no hostname (and may be spelled out lazily).
  const target = d.hostname.length > 0 ? { hostname: d.hostname } : { hostname: '', href: d.url };
  const input = ssrf().findHostControllingInput(target, inputs);
  if (input === undefined) return pathWordsNamingHost(d);
  if (!isSelfReference(input)) return input;
  return ssrf().findHostControllingInput(target, inputs.filter((i) => !isSelfReference(i))) ?? pathWordsNamingHost(d);
}

/** The port the call names: given as an option or a URL object's, or written in its URL. */
function explicitPort(d: Destination): string {
  const port = d.port;
  if (typeof port === 'number') return String(port);
  if (typeof port === 'string' && port !== '') return port;
  return d.url === undefined ? '' : ssrf().urlPort(d.url);
}

/** Plain words of the request path that spell the host and then its port (`/proxy/internal/8080/x`). */
function pathWordsNamingHost(d: Destination): UserInput | undefined {
  const urlPath = currentContext()?.urlPath;
  if (urlPath === undefined) return undefined;
  const port = explicitPort(d);
  if (port === '') return undefined;
  const hostname = d.hostname.length > 0 ? d.hostname : d.url === undefined ? '' : (ssrf().urlHost(d.url) ?? '');
  const input = ssrf().pathWordsNamingHost(urlPath, plainHost(hostname), port);
  if (input !== undefined) pathWordInputs.add(input);
  return input;
}

/**
 * Could the request path's words name `hostname` with some port? A call found clean for a
 * host is not looked at again in the request (steer.ts), unless this says another port
 * may still make it a proxy route's target.
 */
export function pathMayNameHost(hostname: string): boolean {
  const urlPath = currentContext()?.urlPath;
  if (urlPath === undefined || urlPath.length < 2) return false;
  const host = plainHost(hostname);
  const dot = host.indexOf('.');
  return urlPath.toLowerCase().indexOf(dot === -1 ? host : host.slice(0, dot)) !== -1;
}

/** Lowercase, without brackets and trailing dots. */
function plainHost(hostname: string): string {
  let host = hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  while (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

export const destinationDetector: SinkDetector<Destination> = {
  kind: 'ssrf',
  family: 'outbound',
  detect(d, inputs, config): Detection | undefined {
    const input =
      d.steeredBy !== undefined && stillPresent(d.steeredBy, inputs)
        ? d.steeredBy
        : hostControllingInput(d, inputs);
    if (input === undefined) return undefined;
    // A redirect hop of a steered call is never the app's own: its steer already says so.
    if (d.steeredBy === undefined && d.chosenByApp?.() === true) return undefined;
    d.controller = input;
    if (d.deferred === true) return undefined;
    // A DNS name is judged once resolved, on the address actually connected to.
    const addresses = addressesOf(d);
    if (addresses === undefined) return undefined;
    const allowlist = allowlistOf(config);
    for (const address of addresses) {
      const cls = ssrf().classifyAddress(address);
      if (!ssrf().isInternalClass(cls) || allowlist.allows(d.hostname, address)) continue;
      d.offending = address;
      const how = d.addresses === undefined ? 'is' : 'resolves to';
      return {
        kind: 'ssrf',
        input,
        rule: 'ssrf.internal-address',
        reason: `user input controls the destination host, which ${how} the ${cls} address ${address}`,
      };
    }
    return undefined;
  },
  describe: describeDestination,
};

/** Refuses cloud metadata addresses whether or not user input is involved. */
export const metadataDetector: InputFreeDetector<Destination> = {
  kind: 'ssrf',
  family: 'outbound',
  detect(d, config): Detection | undefined {
    if (!config.ssrf.blockMetadata) return undefined;
    const addresses = addressesOf(d);
    if (addresses === undefined) return undefined;
    for (const address of addresses) {
      if (ssrf().classifyAddress(address) !== 'metadata' || allowlistOf(config).allows(d.hostname, address)) continue;
      d.offending = address;
      return {
        kind: 'ssrf',
        // No user input is involved: the finding names the destination instead.
        input: { source: 'custom', path: 'destination', value: d.hostname || address },
        rule: 'ssrf.cloud-metadata',
        reason: `connection to the cloud metadata address ${address}`,
      };
    }
    return undefined;
  },
  describe: describeDestination,
};

function describeDestination(d: Destination): SinkAttributes {
  const attrs: Record<string, string | number> = {};
  if (d.url !== undefined) attrs['url.full'] = withoutCredentials(d.url);
  const host = unbracketed(d.hostname);
  if (host.length > 0) attrs['server.address'] = host;
  const port = Number(d.port);
  if (Number.isInteger(port) && port > 0) attrs['server.port'] = port;
  const peer = d.offending ?? d.addresses?.[0];
  if (peer !== undefined) attrs['network.peer.address'] = peer;
  return attrs;
}

function unbracketed(host: string): string {
  return host.length > 1 && host.charCodeAt(0) === 0x5b && host.charCodeAt(host.length - 1) === 0x5d ? host.slice(1, -1) : host;
}

/** `scheme://user:pass@host/...` without `user:pass@` (the last `@` of the authority). */
export function withoutCredentials(url: string): string {
  const slashes = url.indexOf('//');
  if (slashes === -1) return url;
  const start = slashes + 2;
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) {
      end = i;
      break;
    }
  }
  const at = url.lastIndexOf('@', end - 1);
  return at < start ? url : url.slice(0, start) + url.slice(at + 1);
}
