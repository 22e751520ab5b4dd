// What hooks ask on every call, before (or instead of) a check, and what input sources
// need of the running agent: a few reads of the agent state and the request context.
// Kept apart from the guard (guard.ts) so that a start loads only these; the guard, with
// its block response, budget, findings and stack capture, loads at the first check.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LimitsConfig } from './config/types';
import type { RequestContext } from './context/request-context';
import { requestContexts } from './context/lazy-context';
import { currentContext } from './context/store';
import type { AttackKind, UserInput } from './detect/types';
import type * as PathDetector from './detect/path';
import { lazily } from './lazy';
import { agentState } from './state';
import { catchUpDeferredBuiltins } from './hooks/deferred-builtins';

// The path detector's pre-check loads at the first request that reaches an fs call.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pathDetector = lazily(() => require('./detect/path') as typeof PathDetector);

// Cheap pre-checks, so hooks never read the agent state themselves: a sink hook asks here
// whether a check could find anything before it describes its call for the guard.

/** Whether checks of `kind` run at all: rampart started and the kind's mode not `off`. */
export function checksOn(kind: AttackKind): boolean {
  const state = agentState();
  return state !== undefined && state.config.modes[kind] !== 'off';
}

/** Whether cloud metadata addresses are refused even without user input (`ssrf.blockMetadata`). */
export function metadataRuleOn(): boolean {
  return agentState()?.config.ssrf.blockMetadata === true;
}

/**
 * The current request's inputs when a check of `kind` could find something (checks on, a
 * request, at least one input), else undefined. A failed input collection gives an empty
 * array: the guard then sees, and reports, whatever went wrong.
 */
export function inputsToCheck(kind: AttackKind): readonly UserInput[] | undefined {
  if (!checksOn(kind)) return undefined;
  const ctx = currentContext();
  if (ctx === undefined) return undefined;
  try {
    const inputs = ctx.inputs();
    return inputs.length > 0 ? inputs : undefined;
  } catch {
    return [];
  }
}

// The last inputs array seen and whether it can affect a path: a request's fs calls come
// in runs, and one identity test costs less than the path detector's memo lookup (measured
// on a cached statSync: about 1.08 with it, 1.12-1.20 without). Held weakly: a request's
// inputs (its whole body, parsed) must not outlive it in an idle server.
let lastPathInputs: WeakRef<readonly UserInput[]> | undefined;
let lastMayAffectPaths = false;

/**
 * Whether the current request carries an input that can do anything to a path (a `..`
 * segment, a leading slash, NUL, an encoding): most requests do not, and an fs call is a
 * cheap system call, so the fs hooks skip the guard then.
 */
export function pathInputsPossible(): boolean {
  const ctx = currentContext();
  if (ctx === undefined) return false;
  try {
    const inputs = ctx.inputs();
    if (lastPathInputs?.deref() !== inputs) {
      lastMayAffectPaths = pathDetector().mayAffectPaths(inputs);
      lastPathInputs = new WeakRef(inputs);
    }
    return lastMayAffectPaths;
  } catch {
    return true; // let the guard see (and report) whatever went wrong collecting inputs
  }
}

// ---------------------------------------------------------------------------------------
// For input sources, which enter contexts rather than check calls: what they need of the
// running agent, so they do not read its state either.

/**
 * A new context for one unit of untrusted work (a request, a WebSocket message), or
 * undefined when rampart is not running (the source then runs the app's code as it is).
 */
export function openContext(req?: IncomingMessage, res?: ServerResponse): RequestContext | undefined {
  const state = agentState();
  if (state === undefined) return undefined;
  catchUpDeferredBuiltins(); // before the request's code can call https or http2
  return new (requestContexts().RequestContext)(state.config.limits, req, res);
}

/** The input collection limits while rampart runs. */
export function inputLimits(): LimitsConfig | undefined {
  return agentState()?.config.limits;
}

/** A fault of rampart's own outside a check (a channel subscriber): logged once, counted. */
export function internalError(where: string, error: unknown): void {
  agentState()?.reporter.internalError(where, error);
}

/**
 * `lazily` for what a hook needs to judge a call. A load that fails (rampart's own files
 * gone from a running process's disk, as when a deploy replaces node_modules under it) is
 * reported once and answers undefined from then on: the hook lets the call through, as the
 * guard does with its own faults (fail open), rather than throwing into the app's call,
 * which Node may be making from a callback where a throw ends the process.
 */
export function failOpenLoader<T>(where: string, load: () => T): () => T | undefined {
  const loaded = lazily(load);
  let failed = false;
  return () => {
    if (failed) return undefined;
    try {
      return loaded();
    } catch (error) {
      failed = true;
      internalError(where, error);
      return undefined;
    }
  };
}

/**
 * The guard (guard.ts), loaded at the first call that needs a check (undefined if it could
 * not be: see failOpenLoader). The load is a synchronous require, so that call waits and is
 * checked like every later one.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const guard = failOpenLoader('load:guard', () => require('./guard') as typeof import('./guard'));
