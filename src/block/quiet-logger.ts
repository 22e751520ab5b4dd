// Frameworks that log every request error through their own logger (fastify's request
// logger) print a RampartBlockedError as an application error, with its stack, on each
// blocked request: noise in the app's error rate and alerts, since rampart already answered
// the client and reported the finding itself. Called for a request rampart blocked, this
// makes that request's logger drop records about rampart's refusal only; every other record
// (the app's own errors included) goes through unchanged.
import { isRampartBlocked } from '../errors';

const QUIETED = Symbol.for('rampart.quiet-blocked-errors');

type LogMethod = (this: unknown, ...args: unknown[]) => unknown;
type QuietLogger = Record<string, unknown> & { [QUIETED]?: Record<string, LogMethod> };

/** The error a record is about, in pino's calling styles: `error(err)`, `error({ err }, msg)`. */
function recordError(first: unknown): unknown {
  if (first === null || typeof first !== 'object') return undefined;
  return first instanceof Error || isRampartBlocked(first) ? first : (first as { err?: unknown }).err;
}

function errorCode(err: unknown): unknown {
  return err !== null && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
}

/**
 * Wraps the logger's `error` and `warn` (once each) to drop records whose error is a refusal
 * by rampart, or one of `consequences`: error codes the framework raises only because
 * rampart answered first (fastify's "reply was already sent"). Only reached when a request
 * was blocked, so requests that are never blocked pay nothing. A logger shared between
 * requests (a custom child factory returning one instance) keeps the filter, which still
 * drops only refusals and those consequences.
 */
export function quietBlockedErrors(logger: unknown, consequences: readonly string[] = []): void {
  if (logger === null || typeof logger !== 'object') return;
  const log = logger as QuietLogger;
  const placed = (log[QUIETED] ??= {});
  for (const level of ['error', 'warn']) {
    const original = log[level];
    if (typeof original !== 'function' || placed[level] === original) continue;
    const quiet = function (this: unknown, ...args: unknown[]): unknown {
      const err = recordError(args[0]);
      if (isRampartBlocked(err) || consequences.includes(errorCode(err) as string)) return undefined;
      return (original as LogMethod).apply(this, args);
    };
    // pino reassigns its level methods when the level changes; the filter then lapses with it.
    log[level] = quiet;
    placed[level] = quiet;
  }
}
