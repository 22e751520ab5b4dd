// Fans one finding out to every signal: the metrics, the active span and the
// `rampart:finding` diagnostics channel always; within flood limits an OTel event and a
// pino line. The attribute map is built at most once per finding, and only if a signal
// will actually record it.
import type { Config, LogFindings } from '../config/types';
import { contextStore } from '../context/store';
import { AttributeRenderer, type Attributes } from './attributes';
import { EventRateLimiter } from './flood';
import { findingSubscribed, publishFinding } from './finding-channel';
import type { Finding } from './finding';
import { EVENT_NAME, SUPPRESSED_EVENT_NAME, emitFindingEvent, emitSuppressedEvent } from './otel-logs';
import type { RampartLogger } from './logger';
import { otelApi } from './otel-api';
import { annotateSpans } from './otel-span';
import { countFinding, countInternalError, countSuppressed } from './otel-metrics';

/** Distinct internal faults logged in full; beyond this they are only counted. */
const MAX_LOGGED_FAULTS = 256;
const SUMMARY_INTERVAL_MS = 1000;

export class Reporter {
  private readonly limiter: EventRateLimiter;
  private readonly renderer: AttributeRenderer;
  private readonly reportedFaults = new Set<string>();
  private readonly logFindings: LogFindings;
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(
    config: Config,
    readonly logger: RampartLogger,
  ) {
    this.limiter = new EventRateLimiter(config.telemetry.maxEventsPerSecond);
    this.renderer = new AttributeRenderer(config);
    this.logFindings = config.telemetry.logFindings;
  }

  /** Never throws: a reporting failure is our bug, counted and logged, not the app's. */
  report(finding: Finding): void {
    let attrs: Attributes | undefined;
    const render = (): Attributes => (attrs ??= this.renderer.render(finding));
    // Each signal fails on its own: a broken OTel pipeline must not cost the pino line.
    this.attempt('report.metrics', () => countFinding(finding));
    this.attempt('report.span', () => annotateSpans(finding));
    // Every finding, before flood control (a subscriber does its own); outside the request
    // context, so what a subscriber does is not checked against this request's inputs.
    // A subscriber that throws fails as with any diagnostics channel (Node rethrows it).
    if (findingSubscribed()) this.attempt('report.channel', () => contextStore.exit(publishFinding, finding, render));
    let admitted = true;
    this.attempt('report.flood', () => {
      admitted = this.limiter.admit(finding.kind, Date.now());
      if (admitted) return;
      countSuppressed(finding.kind, 1);
      if (this.summaryTimer === undefined) contextStore.exit(this.scheduleSummary);
    });
    if (!admitted) return;
    // Outside the request context: whatever the SDK starts from here (a batch timer, the
    // export request) is rampart's own work and must not be checked against this
    // request's inputs. The OTel context (the active span) is a separate store and stays.
    let recorded = false;
    this.attempt('report.event', () => {
      recorded = contextStore.exit(emitFindingEvent, finding, render);
    });
    if (this.wantsLine(recorded)) this.attempt('report.log', () => this.logFinding(finding, render));
  }

  /** Exactly one record per finding in an OpenTelemetry pipeline (see `telemetry.logFindings`). */
  private wantsLine(eventRecorded: boolean): boolean {
    if (this.logFindings === 'never') return false;
    if (this.logFindings === 'fallback') return !eventRecorded;
    return !(eventRecorded && this.logger.bridged);
  }

  private attempt(where: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.internalError(where, error);
    }
  }

  /** Our own bug: logged once per place and error, counted always, never thrown. */
  internalError(where: string, error: unknown): void {
    try {
      countInternalError(where);
      const key = `${where}:${(error as Error)?.name}:${(error as Error)?.message}`;
      if (this.reportedFaults.has(key) || this.reportedFaults.size >= MAX_LOGGED_FAULTS) return;
      this.reportedFaults.add(key);
      this.logger.error({ event: 'rampart.internal_error', where, err: error }, `rampart internal error in ${where}; the call went on unprotected`);
    } catch {
      // Nothing left to report with; the app must go on.
    }
  }

  /** Writes the pending flood summary and flushes the pino destination. */
  close(): void {
    if (this.summaryTimer !== undefined) clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
    this.flushSummary();
    this.logger.flush();
  }

  private logFinding(finding: Finding, render: () => Attributes): void {
    const level = finding.action === 'blocked' ? 'error' : 'warn';
    if (!this.logger.isLevelEnabled(level)) return;
    const line: Record<string, unknown> = { event: EVENT_NAME, ...render() };
    const api = otelApi();
    const span = api.trace.getSpanContext(api.context.active());
    if (span !== undefined && api.isSpanContextValid(span)) {
      line.trace_id = span.traceId;
      line.span_id = span.spanId;
    }
    this.logger[level](line, `rampart ${finding.action} ${finding.kind} at ${finding.sink}`);
  }

  /** Called outside any request context, so the timer does not keep one alive. */
  private readonly scheduleSummary = (): void => {
    if (this.summaryTimer !== undefined) return;
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined;
      this.flushSummary();
    }, SUMMARY_INTERVAL_MS);
    this.summaryTimer.unref();
  };

  private flushSummary(): void {
    if (!this.limiter.hasDropped) return;
    for (const [kind, count] of this.limiter.takeDropped()) {
      try {
        emitSuppressedEvent(kind, count);
        this.logger.warn(
          { event: SUPPRESSED_EVENT_NAME, 'rampart.attack.kind': kind, 'rampart.suppressed.count': count },
          `rampart suppressed ${count} ${kind} events (flood control)`,
        );
      } catch (error) {
        this.internalError('flood-summary', error);
      }
    }
  }
}
