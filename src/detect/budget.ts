// The per-check time budget. Detectors are linear in the payload times the inputs searched,
// but with a megabyte query built from two thousand inputs that product is seconds of CPU.
// The guard opens a budget before each check; detectors report their work as they go and
// learn when it ran out, so they stop and report instead of stalling the event loop. The
// clock is read only after a megabyte of work, so ordinary checks never pay for it.
// Synchronous and never re-entered, like the detectors, so module state is safe.

import type { AttackKind, Detection, UserInput } from './types';

/** Work units (characters scanned) between two readings of the clock. */
const UNITS_PER_CLOCK_READ = 1 << 20;

let budgetMs = Infinity;
let deadline = Infinity;
let unitsBeforeClock = UNITS_PER_CLOCK_READ;
let exceeded = false;

/**
 * Opens a budget of `ms` for the check about to run. Its clock starts at the first reading,
 * after the first mebi-unit of work (well under a millisecond of scanning): reading it at
 * the start of every check would cost more than most checks.
 */
export function openBudget(ms: number): void {
  budgetMs = ms;
  deadline = Infinity;
  unitsBeforeClock = UNITS_PER_CLOCK_READ;
  exceeded = false;
}

/** Closes the budget: detectors called directly (tests, evaluation) run unbounded. */
export function closeBudget(): void {
  budgetMs = Infinity;
  exceeded = false;
}

/** Counts `units` of work; true once the open budget has run out (and from then on). */
export function spend(units: number): boolean {
  unitsBeforeClock -= units;
  if (unitsBeforeClock > 0 || budgetMs === Infinity) return exceeded;
  unitsBeforeClock = UNITS_PER_CLOCK_READ;
  const now = performance.now();
  if (deadline === Infinity) deadline = now + budgetMs;
  else if (now > deadline) exceeded = true;
  return exceeded;
}

export const BUDGET_RULE = 'rampart.check-budget';

/** The verdict of a check stopped by its budget, blaming the input being searched then. */
export function budgetExceeded(kind: AttackKind, input: UserInput): Detection {
  return {
    kind,
    input,
    rule: BUDGET_RULE,
    reason: 'The check ran out of its time budget (limits.checkBudgetMs) before it could clear the call.',
  };
}
