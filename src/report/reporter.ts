// Fans one finding out to every signal: the metrics, the active span and the
// `rampart:finding` diagnostics channel always; within flood limits an OTel event and a
// pino line. The attribute map is built at most once per finding, and only if a signal
// will actually record it. The OpenTelemetry bridge and the attribute renderer load with
// the first finding or fault (most processes never have one).
import type { Config, LogFindings } from '../config/types';
import { contextStore } from '../context/store';
import { lazily } from '../lazy';
import type { AttributeRenderer, Attributes } from './attributes';
import { EventRateLimiter } from './flood';
import { findingSubscribed, publishFinding } from './finding-channel';
import type { Finding } from './finding';
import type { RampartLogger } from './logger';
import { otelApi } from './otel-api';

/* eslint-disable @typescript-eslint/no-require-imports */
const otel = lazily(() => require('./otel') as typeof import('./otel'));
const attributes = lazily(() => require('./attributes') as typeof import('./attributes'));
/* eslint-enable @typescript-eslint/no-require-imports */

/** Distinct internal faults logged in full; beyond this they are only counted. */
const MAX_LOGGED_FAULTS = 256;
const SUMMARY_INTERVAL_MS = 1000;

export class Reporter {
  private readonly limiter: EventRateLimiter;
  private renderer: AttributeRenderer | undefined;
  private readonly config: Config;
  private readonly reportedFaults = new Set<string>();
  private readonly logFindings: LogFindings;
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(
    config: Config,
    readonly logger: RampartLogger,
  ) {
    this.limiter = new EventRateLimiter(config.telemetry.maxEventsPerSecond);
    this.config = config;
    this.logFindings = config.telemetry.logFindings;
  }

  private attributeRenderer(): AttributeRenderer {
    return (this.renderer ??= new (attributes().AttributeRenderer)(this.config));
  }

  /** Never throws: a reporting failure is our bug, counted and logged, not the app's. */
  report(finding: Finding): void {
    let attrs: Attributes | undefined;
    const render = (): Attributes => (attrs ??= this.attributeRenderer().render(finding));
    // Each signal fails on its own: a broken OTel pipeline must not cost the pino line.
    this.attempt('report.metrics', () => otel().countFinding(finding));
    this.attempt('report.span', () => otel().annotateSpans(finding));
    // Every finding, before flood control (a subscriber does its own); outside the request
    // context, so what a subscriber does is not checked against this request's inputs.
    // A subscriber that throws fails as with any diagnostics channel (Node rethrows it).
    if (findingSubscribed()) this.attempt('report.channel', () => contextStore.exit(publishFinding, finding, render));
    let admitted = true;
    this.attempt('report.flood', () => {
      admitted = this.limiter.admit(finding.kind, Date.now());
      if (admitted) return;
      otel().countSuppressed(finding.kind, 1);
      if (this.summaryTimer === undefined) contextStore.exit(this.scheduleSummary);
    });
    if (!admitted) return;
    // Outside the request context: whatever the SDK starts from here (a batch timer, the
    // export request) is rampart's own work and must not be checked against this
    // request's inputs. The OTel context (the active span) is a separate store and stays.
    let recorded = false;
    this.attempt('report.event', () => {
      recorded = contextStore.exit(otel().emitFindingEvent, finding, render);
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
      otel().countInternalError(where);
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
    const line: Record<string, unknown> = { event: otel().EVENT_NAME, ...render() };
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
        otel().emitSuppressedEvent(kind, count);
        this.logger.warn(
          { event: otel().SUPPRESSED_EVENT_NAME, 'rampart.attack.kind': kind, 'rampart.suppressed.count': count },
          `rampart suppressed ${count} ${kind} events (flood control)`,
        );
      } catch (error) {
        this.internalError('flood-summary', error);
      }
    }
  }
}
