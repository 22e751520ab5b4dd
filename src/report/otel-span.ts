// Puts a finding on the spans of the request, so trace-only users see it: the span active
// at the sink call (often a framework's internal span, e.g. an express router layer) and
// the request's SERVER span, which error-rate and security dashboards are built on.
// rampart.* attributes always, an error status when the call was blocked.
import type { Context, Span } from '@opentelemetry/api';
import type { Finding } from './finding';
import { otelApi } from './otel-api';

/**
 * Key under which @opentelemetry/instrumentation-http keeps the incoming request's SERVER
 * span in the context (`setRPCMetadata` in @opentelemetry/core; context keys are
 * `Symbol.for(description)`), so it is found from any context inside the request, whatever
 * order the instrumentations and rampart wrapped the server in.
 */
const RPC_METADATA = Symbol.for('OpenTelemetry SDK Context Key RPC_METADATA');
const SPAN_KIND_SERVER = 1;
const STATUS_ERROR = 2;

/** The request's SERVER span: from the http instrumentation's metadata, or the active span when it is one. */
export function serverSpanOf(ctx: Context, active: Span | undefined): Span | undefined {
  const metadata = ctx.getValue(RPC_METADATA) as { span?: Span } | undefined;
  const span = metadata?.span;
  if (span !== undefined && typeof span.setAttributes === 'function') return span;
  if (active !== undefined && (active as { kind?: unknown }).kind === SPAN_KIND_SERVER) return active;
  return undefined;
}

/** Returns how many recording spans were annotated (0, 1 or 2). */
export function annotateSpans(finding: Finding): number {
  const api = otelApi();
  const ctx = api.context.active();
  const active = api.trace.getSpan(ctx);
  const server = serverSpanOf(ctx, active);
  let marked = mark(active, finding) ? 1 : 0;
  if (server !== active && mark(server, finding)) marked++;
  return marked;
}

function mark(span: Span | undefined, finding: Finding): boolean {
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
    span.setStatus({ code: STATUS_ERROR, message: `rampart blocked ${finding.kind} at ${finding.sink}` });
  }
  return true;
}
