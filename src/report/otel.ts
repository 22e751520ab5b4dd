// OpenTelemetry rendering of findings: events (Logs API), the active span, and metrics.
// Everything goes through the OTel API, which records nothing until the app registers an
// SDK, and every provider is looked up again at use, so registering it late works.
export { EVENT_NAME, SUPPRESSED_EVENT_NAME, emitFindingEvent, emitSuppressedEvent } from './otel-logs';
export { annotateSpans } from './otel-span';
export {
  METRIC_CHECK_DURATION,
  METRIC_FINDINGS,
  METRIC_INTERNAL_ERRORS,
  METRIC_SUPPRESSED,
  countFinding,
  countInternalError,
  countSuppressed,
  recordCheckDuration,
} from './otel-metrics';
