// OpenTelemetry rendering of findings. Everything goes through @opentelemetry/api, which
// is a no-op until the app registers an SDK; meters are resolved lazily because a
// counter created before the app's SDK is registered would stay a no-op forever.
import { context, logs, metrics, SeverityNumber, SpanStatusCode, trace, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';
import type { Attributes } from './attributes';
import type { Finding } from './finding';

export const EVENT_NAME = 'rampart.attack';
const SCOPE = 'rampart';
const SCOPE_VERSION = '0.1.0';

export function emitFindingEvent(finding: Finding, attrs: Attributes): void {
  const logger = logs.getLogger(SCOPE, SCOPE_VERSION);
  const severityNumber = finding.action === 'blocked' ? SeverityNumber.ERROR : SeverityNumber.WARN;
  const active = context.active();
  if (typeof logger.enabled === 'function' && !logger.enabled({ context: active, severityNumber, eventName: EVENT_NAME })) return;
  logger.emit({
    eventName: EVENT_NAME,
    severityNumber,
    severityText: finding.action === 'blocked' ? 'ERROR' : 'WARN',
    body: `${finding.action} ${finding.kind} at ${finding.sink}: ${finding.reason}`,
    attributes: attrs,
    context: active,
  });
}

/** Puts the finding on the active span so trace-only users see it. */
export function annotateActiveSpan(finding: Finding, attrs: Attributes): void {
  const span = trace.getSpan(context.active());
  if (span === undefined || !span.isRecording()) return;
  span.setAttributes({
    'rampart.attack.kind': finding.kind,
    'rampart.action': finding.action,
    'rampart.sink': finding.sink,
    'rampart.input.source': finding.input.source,
    'rampart.input.path': finding.input.path,
    'security_rule.name': finding.rule,
  });
  span.addEvent(EVENT_NAME, attrs);
  if (finding.action === 'blocked') {
    span.setStatus({ code: SpanStatusCode.ERROR, message: `rampart blocked ${finding.kind}` });
  }
}

interface Instruments {
  readonly provider: MeterProvider;
  readonly findings: Counter;
  readonly checkDuration: Histogram;
  readonly internalErrors: Counter;
  readonly suppressed: Counter;
}

let instruments: Instruments | undefined;

function currentInstruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (instruments === undefined || instruments.provider !== provider) {
    const meter = provider.getMeter(SCOPE, SCOPE_VERSION);
    instruments = {
      provider,
      findings: meter.createCounter('rampart.findings', { description: 'Attacks detected, by kind, action and sink' }),
      checkDuration: meter.createHistogram('rampart.check.duration', {
        description: 'Time spent deciding at a sink when user input was present',
        unit: 'ms',
      }),
      internalErrors: meter.createCounter('rampart.internal_errors', { description: 'Errors inside rampart; the app call went on' }),
      suppressed: meter.createCounter('rampart.events.suppressed', { description: 'Finding events not emitted because of flood control' }),
    };
  }
  return instruments;
}

export function countFinding(finding: Finding): void {
  currentInstruments().findings.add(1, {
    'rampart.attack.kind': finding.kind,
    'rampart.action': finding.action,
    'rampart.sink': finding.sink,
  });
}

export function recordCheckDuration(sinkKind: string, durationMs: number): void {
  currentInstruments().checkDuration.record(durationMs, { 'rampart.sink.kind': sinkKind });
}

export function countInternalError(where: string): void {
  currentInstruments().internalErrors.add(1, { 'rampart.where': where });
}

export function countSuppressed(kind: string, count: number): void {
  currentInstruments().suppressed.add(count, { 'rampart.attack.kind': kind });
}
