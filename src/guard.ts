// The single decision point. Every hook describes its call and asks here; modes,
// allowlists, fail-open handling and reporting live nowhere else.
import { performance } from 'node:perf_hooks';
import { sendBlockedResponse } from './block/blocked-response';
import type { RequestContext } from './context/request-context';
import { currentContext } from './context/store';
import type { Config } from './config/types';
import type { AttackKind, Detection, UserInput } from './detect/types';
import { BUDGET_RULE, closeBudget, openBudget } from './detect/budget';
import { INPUT_LIMIT_RULE, inputLimitExceeded } from './detect/input-limit';
import { RampartBlockedError } from './errors';
import { findingFrom, type RequestFacts, type SinkAttributes } from './report/finding';
import { countCheck } from './report/check-stats';
import { recordCheckDuration } from './report/otel';
import { agentState, type AgentState } from './state';

/** How one family of sinks is checked; defined once per hook module, not per call. */
export interface SinkDetector<P> {
  readonly kind: AttackKind;
  /** Coarse sink family for metrics: `sql`, `shell`, `fs`, `outbound`. */
  readonly family: string;
  detect(payload: P, inputs: readonly UserInput[], config: Config): Detection | undefined;
  /** Semantic-convention attributes of the call; only computed for findings. */
  describe(payload: P, config: Config): SinkAttributes;
}

/**
 * Checks one sink call. Returns normally when the call may proceed; throws
 * RampartBlockedError when it must not run. Never throws anything else.
 */
export function guardSink<P>(detector: SinkDetector<P>, sink: string, payload: P): void {
  const state = agentState();
  if (state === undefined) return;
  const mode = state.config.modes[detector.kind];
  if (mode === 'off') return;
  const ctx = currentContext();
  if (ctx === undefined) return;
  try {
    const inputs = ctx.inputs();
    if (inputs.length === 0 && ctx.inputLimit === undefined) return;
    if (state.allowlist.sinkAllowed(sink)) return;
    const started = startCheck(detector.family);
    let detection = detectWithinBudget(detector, payload, inputs, searchedInputs(ctx, detector, inputs), state);
    let duration = stopCheck(detector.family, started);
    // Part of this request's input was not collected (a memory bound): the call cannot be cleared.
    if (detection === undefined && ctx.inputLimit !== undefined) detection = inputLimitExceeded(detector.kind, ctx.inputLimit);
    if (detection === undefined) return;
    if (duration < 0) {
      // Findings carry their duration: an untimed check (pure, deterministic) is timed again,
      // except one stopped by its budget or the input limit (running it again costs as much again).
      duration = detection.rule === BUDGET_RULE || detection.rule === INPUT_LIMIT_RULE ? 0 : timeAgain(() => detectWithinBudget(detector, payload, inputs, searchedInputs(ctx, detector, inputs), state));
    }
    if (state.allowlist.routeAllowed(ctx.method, ctx.urlPath, detector.kind)) return;
    // A check stopped by its budget blocks like an attack unless configured to let it run:
    // failing open would let an attacker pad a request until the check gives up.
    const enforce = mode === 'block' && (detection.rule !== BUDGET_RULE || state.config.limits.onCheckBudgetExceeded === 'block');
    const finding = findingFrom(detection, enforce ? 'blocked' : 'monitored', sink, safeDescribe(detector, payload, state), requestFacts(ctx), duration, appStack());
    state.reporter.report(finding);
    if (!enforce) return;
  } catch (error) {
    state.reporter.internalError(`guard:${sink}`, error);
    return;
  }
  blockRequest(ctx, state, detector.kind, sink);
}

/**
 * Counts a check and, for the one in SAMPLE_EVERY that is timed, starts its clock: reading
 * the clock twice costs more than most checks. Returns the start, or -1 when not timed.
 */
function startCheck(family: string): number {
  return countCheck(family) ? performance.now() : -1;
}

/** Records a timed check's duration and returns it; -1 for a check that was not timed. */
function stopCheck(family: string, started: number): number {
  if (started < 0) return -1;
  const duration = performance.now() - started;
  recordCheckDuration(family, duration);
  return duration;
}

/** Findings carry their duration: an untimed check (pure, deterministic) is run again, timed. */
function timeAgain(check: () => unknown): number {
  const started = performance.now();
  check();
  return performance.now() - started;
}

/** Answers the request with the block response (once) and refuses the call. */
function blockRequest(ctx: RequestContext | undefined, state: AgentState, kind: AttackKind, sink: string): never {
  if (ctx === undefined) throw new RampartBlockedError(kind, sink, undefined);
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
  throw new RampartBlockedError(kind, sink, requestId);
}

/**
 * The inputs a detector searches: one per distinct value for large requests (see
 * RequestContext.distinctInputs), except for SSRF, whose verdict also looks at where an
 * input came from (a proxy's own forwarding headers).
 */
function searchedInputs<P>(ctx: RequestContext, detector: SinkDetector<P>, inputs: readonly UserInput[]): readonly UserInput[] {
  return detector.kind === 'ssrf' ? inputs : ctx.distinctInputs();
}

function detectWithinBudget<P>(detector: SinkDetector<P>, payload: P, inputs: readonly UserInput[], searched: readonly UserInput[], state: AgentState): Detection | undefined {
  openBudget(state.config.limits.checkBudget);
  try {
    return detectAllowing(detector, payload, inputs, searched, state);
  } finally {
    closeBudget();
  }
}

/** Runs the detector; an allowlisted input is taken out and the check repeated (over every input). */
function detectAllowing<P>(detector: SinkDetector<P>, payload: P, inputs: readonly UserInput[], searched: readonly UserInput[], state: AgentState): Detection | undefined {
  let detection = detector.detect(payload, searched, state.config);
  if (detection === undefined || !state.allowlist.hasInputRules || detection.rule === BUDGET_RULE) return detection;
  let remaining = inputs;
  while (detection !== undefined && state.allowlist.inputAllowed(detection.input, detector.kind)) {
    const allowed = detection.input;
    remaining = remaining.filter((input) => input !== allowed && !state.allowlist.inputAllowed(input, detector.kind));
    detection = detector.detect(payload, remaining, state.config);
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
    clientAddress: req?.socket?.remoteAddress,
    userAgent: typeof ua === 'string' ? ua : undefined,
  };
}

const MAX_STACK_FRAMES = 12;
// rampart's own directory (dist/ or src/), left out of reported stacks.
const OWN_DIR = __dirname;

/** The app frames that led to the sink, without rampart's own and Node's internals. */
function appStack(): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = MAX_STACK_FRAMES + 10;
  Error.captureStackTrace(holder, guardSink);
  Error.stackTraceLimit = limit;
  const lines = holder.stack?.split('\n').slice(1) ?? [];
  const app = lines.filter((line) => !line.includes(OWN_DIR) && !line.includes('node:internal'));
  return app.slice(0, MAX_STACK_FRAMES).map((l) => l.trim()).join('\n') || undefined;
}

// ---------------------------------------------------------------------------------------
// Checks that do not depend on user input (refusing cloud metadata addresses). Same
// structure as guardSink: mode, sink allowlist, detection, route allowlist, report,
// block. They also run outside any request context: there the call is refused with a
// RampartBlockedError carrying no request id, and there is no response to block.

/** A check whose verdict needs no user input; defined once per hook module. */
export interface InputFreeDetector<P> {
  readonly kind: AttackKind;
  readonly family: string;
  detect(payload: P, config: Config): Detection | undefined;
  describe(payload: P, config: Config): SinkAttributes;
}

/**
 * Checks one sink call against a rule that needs no user input. Returns normally when
 * the call may proceed; throws RampartBlockedError when it must not run.
 */
export function guardWithoutInput<P>(detector: InputFreeDetector<P>, sink: string, payload: P): void {
  const state = agentState();
  if (state === undefined) return;
  const mode = state.config.modes[detector.kind];
  if (mode === 'off') return;
  const ctx = currentContext();
  try {
    if (state.allowlist.sinkAllowed(sink)) return;
    const started = startCheck(detector.family);
    const detection = detector.detect(payload, state.config);
    let duration = stopCheck(detector.family, started);
    if (detection === undefined) return;
    if (duration < 0) duration = timeAgain(() => detector.detect(payload, state.config));
    if (ctx !== undefined && state.allowlist.routeAllowed(ctx.method, ctx.urlPath, detector.kind)) return;
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
    return;
  }
  if (mode !== 'block') return;
  blockRequest(ctx, state, detector.kind, sink);
}
