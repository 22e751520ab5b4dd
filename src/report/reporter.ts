// Fans one finding out to every signal: metrics always, the active span always, and
// (within flood limits) an OTel event plus a pino line.
import type { Logger } from 'pino';
import type { Config } from '../config/types';
import { findingAttributes } from './attributes';
import { EventRateLimiter } from './flood';
import type { Finding } from './finding';
import { annotateActiveSpan, countFinding, countInternalError, countSuppressed, emitFindingEvent } from './otel';

export class Reporter {
  private readonly limiter: EventRateLimiter;
  private readonly reportedFaults = new Set<string>();
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: Config,
    readonly logger: Logger,
  ) {
    this.limiter = new EventRateLimiter(config.telemetry.maxEventsPerSecond);
  }

  report(finding: Finding): void {
    try {
      const attrs = findingAttributes(finding, this.config);
      countFinding(finding);
      annotateActiveSpan(finding, attrs);
      if (!this.limiter.admit(finding.kind, Date.now())) {
        this.scheduleSummary();
        return;
      }
      emitFindingEvent(finding, attrs);
      const level = finding.action === 'blocked' ? 'error' : 'warn';
      this.logger[level]({ event: 'rampart.attack', ...attrs }, `rampart ${finding.action} ${finding.kind} at ${finding.sink}`);
    } catch (error) {
      this.internalError('report', error);
    }
  }

  /** Our own bug: logged once per place and error type, counted always, never thrown. */
  internalError(where: string, error: unknown): void {
    try {
      countInternalError(where);
      const key = `${where}:${(error as Error)?.name}:${(error as Error)?.message}`;
      if (this.reportedFaults.has(key)) return;
      this.reportedFaults.add(key);
      this.logger.error({ event: 'rampart.internal_error', where, err: error }, `rampart internal error in ${where}; the call went on unprotected`);
    } catch {
      // Nothing left to report with; the app must go on.
    }
  }

  close(): void {
    if (this.summaryTimer !== undefined) clearTimeout(this.summaryTimer);
    this.flushSummary();
    this.logger.flush();
  }

  private scheduleSummary(): void {
    if (this.summaryTimer !== undefined) return;
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined;
      this.flushSummary();
    }, 1000);
    this.summaryTimer.unref();
  }

  private flushSummary(): void {
    for (const [kind, count] of this.limiter.takeDropped()) {
      countSuppressed(kind, count);
      this.logger.warn({ event: 'rampart.events_suppressed', 'rampart.attack.kind': kind, count }, `rampart suppressed ${count} ${kind} events (flood control)`);
    }
  }
}
