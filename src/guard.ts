// The single decision point. Every hook describes its call and asks here; modes,
// allowlists, fail-open handling and reporting live nowhere else. Hooks load it at their
// first check (docs/performance.md, "Start-up"); what they ask before a check, on every
// call, is in guard-gates.ts.
import { sendBlockedResponse } from './block/blocked-response';
import type { RequestContext } from './context/request-context';
import { currentContext } from './context/store';
import type { Config } from './config/types';
import type { AttackKind, Detection, UserInput } from './detect/types';
import { BUDGET_RULE, closeBudget, openBudget } from './detect/budget';
import { INPUT_LIMIT_RULE, inputLimitExceeded } from './detect/input-limit';
import { releaseLargeSearches } from './detect/occurrences';
import { RampartBlockedError } from './errors';
import { findingFrom, type RequestFacts, type SinkAttributes } from './report/finding';
import { countCheck } from './report/check-stats';
import { captureAppStack } from './report/stack';
import type * as OtelMetrics from './report/otel-metrics';
import { lazily } from './lazy';
import { agentState, type AgentState } from './state';
import { appAllowed, hasAppAllowedValues } from './allow-value';

// Loaded at their first use (docs/performance.md, "Start-up"): the metrics at the first
// sampled check, perf_hooks' clock at the first timed check.
/* eslint-disable @typescript-eslint/no-require-imports */
const metrics = lazily(() => require('./report/otel-metrics') as typeof OtelMetrics);
const clock = lazily(() => (require('node:perf_hooks') as typeof import('node:perf_hooks')).performance);
/* eslint-enable @typescript-eslint/no-require-imports */

/** How one family of sinks is checked; defined once per hook module, not per call. */
export interface SinkDetector<P> {
  readonly kind: AttackKind;
  /** Coarse sink family for metrics: `sql`, `shell`, `fs`, `outbound`. */
  readonly family: string;
  /**
   * `partial`: some of the request's inputs were taken out (allowlisted) before this call, so
   * a payload without the remaining ones may still hold input: not evidence of app text.
   */
  detect(payload: P, inputs: readonly UserInput[], config: Config, partial?: boolean): Detection | undefined;
  /** Semantic-convention attributes of the call; only computed for findings. */
  describe(payload: P, config: Config): SinkAttributes;
}

/**
 * What the guard decided about one sink call: `undefined` lets it proceed (the hot path
 * allocates nothing); a RampartBlockedError refuses it, and the hook hands that error to
 * `refuse.ts`, which delivers it through the API's own error channel. The finding is
 * already reported and the block response already sent by then.
 */
export type Verdict = RampartBlockedError | undefined;

/** The verdict that lets a call proceed. */
export const ALLOW: Verdict = undefined;

/**
 * Checks one sink call and returns the verdict. Never throws: a fault of rampart's own is
 * logged and the call allowed (fail open).
 */
export function guardSink<P>(detector: SinkDetector<P>, sink: string, payload: P): Verdict {
  const state = agentState();
  if (state === undefined) return ALLOW;
  const mode = state.config.modes[detector.kind];
  if (mode === 'off') return ALLOW;
  const ctx = currentContext();
  if (ctx === undefined) return ALLOW;
  try {
    const inputs = ctx.inputs();
    if (inputs.length === 0 && ctx.inputLimit === undefined) return ALLOW;
    if (state.allowlist.sinkAllowed(sink)) return ALLOW;
    const started = startCheck(detector.family);
    let detection = detectWithinBudget(detector, payload, inputs, searchedInputs(ctx, detector, inputs), state, ctx);
    let duration = stopCheck(detector.family, started);
    // Part of this request's input was not collected (a memory bound): the call cannot be cleared.
    if (detection === undefined && ctx.inputLimit !== undefined) detection = inputLimitExceeded(detector.kind, ctx.inputLimit);
    if (detection === undefined) return ALLOW;
    if (duration < 0) {
      // Findings carry their duration: an untimed check (pure, deterministic) is timed again,
      // except one stopped by its budget or the input limit (running it again costs as much again).
      duration = detection.rule === BUDGET_RULE || detection.rule === INPUT_LIMIT_RULE ? 0 : timeAgain(() => detectWithinBudget(detector, payload, inputs, searchedInputs(ctx, detector, inputs), state, ctx));
    }
    if (state.allowlist.routeAllowed(ctx.method, ctx.urlPath, detector.kind)) return ALLOW;
    // A check stopped by its budget blocks like an attack unless configured to let it run:
    // failing open would let an attacker pad a request until the check gives up.
    const enforce = mode === 'block' && (detection.rule !== BUDGET_RULE || state.config.limits.onCheckBudgetExceeded === 'block');
    const finding = findingFrom(detection, enforce ? 'blocked' : 'monitored', sink, safeDescribe(detector, payload, state), requestFacts(ctx), duration, appStack());
    state.reporter.report(finding);
    if (!enforce) return ALLOW;
  } catch (error) {
    state.reporter.internalError(`guard:${sink}`, error);
    return ALLOW;
  }
  return blockRequest(ctx, state, detector.kind, sink);
}

/**
 * Counts a check and, for the one in SAMPLE_EVERY that is timed, starts its clock: reading
 * the clock twice costs more than most checks. Returns the start, or -1 when not timed.
 */
function startCheck(family: string): number {
  return countCheck(family) ? clock().now() : -1;
}

/** Records a timed check's duration and returns it; -1 for a check that was not timed. */
function stopCheck(family: string, started: number): number {
  if (started < 0) return -1;
  const duration = clock().now() - started;
  metrics().recordCheckDuration(family, duration);
  return duration;
}

/** Findings carry their duration: an untimed check (pure, deterministic) is run again, timed. */
function timeAgain(check: () => unknown): number {
  const started = clock().now();
  check();
  return clock().now() - started;
}

/** Answers the request with the block response (once); returns the refusal to deliver. */
function blockRequest(ctx: RequestContext | undefined, state: AgentState, kind: AttackKind, sink: string): RampartBlockedError {
  if (ctx === undefined) return new RampartBlockedError(kind, sink, undefined);
  const requestId = ctx.requestId;
  const firstBlock = ctx.blocked === undefined;
  ctx.blocked = { requestId };
  if (ctx.res !== undefined && firstBlock) {
    try {
      sendBlockedResponse(ctx.req, ctx.res, requestId, state.config.blockResponse);
    } catch (error) {
      state.reporter.internalError('block-response', error);
    }
  }
  if (firstBlock) {
    try {
      ctx.frameworkBlocked();
    } catch (error) {
      state.reporter.internalError('block-response', error);
    }
  }
  return new RampartBlockedError(kind, sink, requestId);
}

/**
 * The inputs a detector searches: one per distinct value for large requests (see
 * RequestContext.distinctInputs), except for SSRF, whose verdict also looks at where an
 * input came from (a proxy's own forwarding headers).
 */
function searchedInputs<P>(ctx: RequestContext, detector: SinkDetector<P>, inputs: readonly UserInput[]): readonly UserInput[] {
  return detector.kind === 'ssrf' ? inputs : ctx.distinctInputs();
}

function detectWithinBudget<P>(detector: SinkDetector<P>, payload: P, inputs: readonly UserInput[], searched: readonly UserInput[], state: AgentState, ctx: RequestContext): Detection | undefined {
  openBudget(state.config.limits.checkBudget);
  try {
    return detectAllowing(detector, payload, inputs, searched, state, ctx);
  } finally {
    closeBudget();
    releaseLargeSearches();
  }
}

/**
 * Runs the detector over `searched` (one input per distinct value); an allowlisted input
 * (allow.inputs, allow.values, rampart.allow) is taken out and the check repeated over every input.
 */
function detectAllowing<P>(detector: SinkDetector<P>, payload: P, inputs: readonly UserInput[], searched: readonly UserInput[], state: AgentState, ctx: RequestContext): Detection | undefined {
  let detection = detector.detect(payload, searched, state.config);
  if (detection === undefined || detection.rule === BUDGET_RULE) return detection;
  if (!state.allowlist.hasInputRules && !hasAppAllowedValues(ctx)) return detection;
  const exempt = (input: UserInput): boolean =>
    state.allowlist.inputAllowed(input, detector.kind) ||
    state.allowlist.valueAllowed(input, detector.kind, ctx.method, ctx.urlPath) ||
    appAllowed(ctx, input.value);
  let remaining = inputs;
  while (detection !== undefined && exempt(detection.input)) {
    const allowed = detection.input;
    remaining = remaining.filter((input) => input !== allowed && !exempt(input));
    detection = detector.detect(payload, remaining, state.config, true);
  }
  return detection;
}

function safeDescribe<P>(detector: SinkDetector<P>, payload: P, state: AgentState): SinkAttributes {
  try {
    return detector.describe(payload, state.config);
  } catch (error) {
    state.reporter.internalError('describe', error);
    return {};
  }
}

function requestFacts(ctx: RequestContext): RequestFacts {
  const req = ctx.req;
  const ua = req?.headers['user-agent'];
  return {
    requestId: ctx.requestId,
    method: ctx.method,
    route: ctx.route,
    path: ctx.urlPath,
    peerAddress: req?.socket?.remoteAddress,
    forwardedFor: req?.headers['x-forwarded-for'],
    userAgent: typeof ua === 'string' ? ua : undefined,
  };
}

/** The frames that led to the sink, from the app's call site on (report/stack.ts). */
function appStack(): string | undefined {
  return captureAppStack(appStack);
}

// ---------------------------------------------------------------------------------------
// Checks that do not depend on user input (refusing cloud metadata addresses). Same
// structure as guardSink: mode, sink allowlist, detection, route allowlist, report,
// block. They also run outside any request context: there the refusal is a
// RampartBlockedError carrying no request id, and there is no response to block.

/** A check whose verdict needs no user input; defined once per hook module. */
export interface InputFreeDetector<P> {
  readonly kind: AttackKind;
  readonly family: string;
  detect(payload: P, config: Config): Detection | undefined;
  describe(payload: P, config: Config): SinkAttributes;
}

/** Checks one sink call against a rule that needs no user input; returns the verdict. */
export function guardWithoutInput<P>(detector: InputFreeDetector<P>, sink: string, payload: P): Verdict {
  const state = agentState();
  if (state === undefined) return ALLOW;
  const mode = state.config.modes[detector.kind];
  if (mode === 'off') return ALLOW;
  const ctx = currentContext();
  try {
    if (state.allowlist.sinkAllowed(sink)) return ALLOW;
    const started = startCheck(detector.family);
    const detection = detector.detect(payload, state.config);
    let duration = stopCheck(detector.family, started);
    if (detection === undefined) return ALLOW;
    if (duration < 0) duration = timeAgain(() => detector.detect(payload, state.config));
    if (ctx !== undefined && state.allowlist.routeAllowed(ctx.method, ctx.urlPath, detector.kind)) return ALLOW;
    const action = mode === 'block' ? 'blocked' : 'monitored';
    let attributes: SinkAttributes = {};
    try {
      attributes = detector.describe(payload, state.config);
    } catch (error) {
      state.reporter.internalError('describe', error);
    }
    const facts = ctx === undefined ? undefined : requestFacts(ctx);
    state.reporter.report(findingFrom(detection, action, sink, attributes, facts, duration, appStack()));
  } catch (error) {
    state.reporter.internalError(`guard:${sink}`, error);
    return ALLOW;
  }
  if (mode !== 'block') return ALLOW;
  return blockRequest(ctx, state, detector.kind, sink);
}
