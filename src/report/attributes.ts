// Renders a finding as one flat attribute map, shared by the OTel event and the pino line,
// so every signal carries the same facts under the same names (see docs/events.md).
import type { Config } from '../config/types';
import type { Finding } from './finding';
import { clientAddress, compileTrustProxy, type TrustHop } from './client-address';
import { dbQueryText } from './db-query-text';
import { SecretKeys, maskPathTokens, sanitizeUrl, truncate } from './redact';
import { RULESET_NAME, RULESET_VERSION, ruleCategory, ruleUuid } from './rules';

export type Attributes = Record<string, string | number | boolean>;

/** Bound on any sink text (query, command line, URL, path) in an event. */
export const MAX_SINK_TEXT = 4096;
const MAX_PATH = 1024;
const MAX_USER_AGENT = 512;
const MAX_STACK = 4096;

export class AttributeRenderer {
  private readonly secrets: SecretKeys;
  private readonly trustProxy: TrustHop | undefined;

  constructor(private readonly config: Config) {
    this.secrets = new SecretKeys(config);
    this.trustProxy = compileTrustProxy(config.trustProxy);
  }

  render(finding: Finding): Attributes {
    const attrs: Attributes = {};
    // Sink facts first, so a describe() that returned one of our own keys cannot override it.
    for (const key of Object.keys(finding.sinkAttributes)) {
      const value = finding.sinkAttributes[key]!;
      if (typeof value !== 'string') attrs[key] = value;
      else attrs[key] = truncate(this.sinkText(key, value, finding), MAX_SINK_TEXT);
    }
    attrs['security_rule.name'] = finding.rule;
    attrs['security_rule.category'] = ruleCategory(finding.kind);
    attrs['security_rule.uuid'] = ruleUuid(finding.rule);
    attrs['security_rule.version'] = RULESET_VERSION;
    attrs['security_rule.ruleset.name'] = RULESET_NAME;
    attrs['security_rule.description'] = finding.reason;
    attrs['rampart.attack.kind'] = finding.kind;
    attrs['rampart.action'] = finding.action;
    attrs['rampart.sink'] = finding.sink;
    attrs['rampart.input.source'] = finding.input.source;
    attrs['rampart.input.path'] = finding.input.path;
    const telemetry = this.config.telemetry;
    if (this.secrets.isSecretInput(finding.input)) attrs['rampart.input.redacted'] = true;
    else if (telemetry.includeInputValue) attrs['rampart.input.value'] = truncate(inputValue(finding.input.value, this.secrets), telemetry.maxValueLength);
    attrs['rampart.check.duration_ms'] = finding.checkDurationMs;
    const request = finding.request;
    if (request !== undefined) {
      attrs['rampart.request.id'] = request.requestId;
      if (request.method !== undefined) attrs['http.request.method'] = request.method;
      if (request.route !== undefined) attrs['http.route'] = truncate(request.route, MAX_PATH);
      if (request.path !== undefined) attrs['url.path'] = truncate(maskPathTokens(request.path), MAX_PATH);
      const client = clientAddress(request.peerAddress, request.forwardedFor, this.trustProxy);
      if (client !== undefined) attrs['client.address'] = client;
      // An outbound sink's own `network.peer.address` (the address connected to) wins.
      if (request.peerAddress !== undefined && !('network.peer.address' in attrs)) attrs['network.peer.address'] = request.peerAddress;
      if (request.userAgent !== undefined) attrs['user_agent.original'] = truncate(request.userAgent, MAX_USER_AGENT);
    }
    if (finding.action === 'blocked') attrs['error.type'] = 'RampartBlockedError';
    if (finding.stack !== undefined) attrs['code.stacktrace'] = truncate(finding.stack, MAX_STACK);
    return attrs;
  }

  /** Redaction decided here, where every signal's text is rendered. */
  private sinkText(key: string, value: string, finding: Finding): string {
    if (key === 'url.full') return sanitizeUrl(value, this.secrets);
    if (key === 'db.query.text') return dbQueryText(value, finding.sinkAttributes['db.system.name'], finding.input.value, this.secrets.isSecretInput(finding.input));
    return value;
  }
}

/** An input holding a URL (an SSRF payload, a presigned link) loses its credentials like `url.full`. */
function inputValue(value: string, secrets: SecretKeys): string {
  return value.includes('://') ? sanitizeUrl(value, secrets) : value;
}

/** One-off rendering (tests, tools); the reporter keeps one renderer per configuration. */
export function findingAttributes(finding: Finding, config: Config): Attributes {
  return new AttributeRenderer(config).render(finding);
}

export { truncate } from './redact';
