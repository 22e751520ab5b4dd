// Renders a finding as one flat attribute map, shared by the OTel event, the span and
// the pino line, so every signal carries the same facts under the same names.
import type { Config } from '../config/types';
import type { Finding } from './finding';
import { RULESET_NAME, RULESET_VERSION, ruleCategory, ruleUuid } from './rules';

export type Attributes = Record<string, string | number | boolean>;

export function findingAttributes(finding: Finding, config: Config): Attributes {
  const telemetry = config.telemetry;
  const attrs: Attributes = {
    'security_rule.name': finding.rule,
    'security_rule.category': ruleCategory(finding.kind),
    'security_rule.uuid': ruleUuid(finding.rule),
    'security_rule.version': RULESET_VERSION,
    'security_rule.ruleset.name': RULESET_NAME,
    'security_rule.description': finding.reason,
    'rampart.attack.kind': finding.kind,
    'rampart.action': finding.action,
    'rampart.sink': finding.sink,
    'rampart.input.source': finding.input.source,
    'rampart.input.path': finding.input.path,
    'rampart.check.duration_ms': finding.checkDurationMs,
  };
  if (telemetry.includeInputValue && !isSecretInput(finding, config)) {
    attrs['rampart.input.value'] = truncate(finding.input.value, telemetry.maxValueLength);
  }
  for (const [key, value] of Object.entries(finding.sinkAttributes)) {
    attrs[key] = typeof value === 'string' ? truncate(value, 4096) : value;
  }
  const request = finding.request;
  if (request !== undefined) {
    attrs['rampart.request.id'] = request.requestId;
    if (request.method !== undefined) attrs['http.request.method'] = request.method;
    if (request.route !== undefined) attrs['http.route'] = request.route;
    if (request.path !== undefined) attrs['url.path'] = truncate(request.path, 1024);
    if (request.clientAddress !== undefined) attrs['client.address'] = request.clientAddress;
    if (request.userAgent !== undefined) attrs['user_agent.original'] = truncate(request.userAgent, 512);
  }
  if (finding.action === 'blocked') attrs['error.type'] = 'RampartBlockedError';
  if (finding.stack !== undefined) attrs['code.stacktrace'] = finding.stack;
  return attrs;
}

/** Authorization headers, cookies and configured keys never leave the process. */
function isSecretInput(finding: Finding, config: Config): boolean {
  const { source, path } = finding.input;
  if (source === 'cookies') return true;
  const last = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  const name = source === 'headers' ? path.split('.')[0]!.toLowerCase() : last;
  return config.telemetry.redactKeys.includes(name) || config.telemetry.redactKeys.includes(last);
}

export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
