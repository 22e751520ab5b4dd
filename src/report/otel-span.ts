// Puts a finding on the active span, so trace-only users see it on the request's span:
// rampart.* attributes always, an error status when the call was blocked.
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Finding } from './finding';

/** Returns whether a recording span was annotated. */
export function annotateActiveSpan(finding: Finding): boolean {
  const span = trace.getSpan(context.active());
  if (span === undefined || !span.isRecording()) return false;
  span.setAttributes({
    'rampart.attack.kind': finding.kind,
    'rampart.action': finding.action,
    'rampart.sink': finding.sink,
    'rampart.input.source': finding.input.source,
    'rampart.input.path': finding.input.path,
    'security_rule.name': finding.rule,
  });
  if (finding.request !== undefined) span.setAttribute('rampart.request.id', finding.request.requestId);
  if (finding.action === 'blocked') {
    span.setStatus({ code: SpanStatusCode.ERROR, message: `rampart blocked ${finding.kind} at ${finding.sink}` });
  }
  return true;
}
