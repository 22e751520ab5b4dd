// The per-check time budget. Detectors are linear in the payload times the inputs searched,
// but with a megabyte query built from two thousand inputs that product is seconds of CPU.
// The guard opens a budget before each check; detectors report their work as they go and
// learn when it ran out, so they stop and report instead of stalling the event loop. The
// clock is read only after a megabyte of work, so ordinary checks never pay for it.
// Synchronous and never re-entered, like the detectors, so module state is safe.

import type { AttackKind, Detection, UserInput } from './types';

/** Work units (characters scanned) between two readings of the clock. */
const UNITS_PER_CLOCK_READ = 1 << 20;

let deadline = Infinity;
let unitsBeforeClock = UNITS_PER_CLOCK_READ;
let exceeded = false;

/** Opens a budget of `budgetMs` for the check that started at `startedAt` (performance.now()). */
export function openBudget(startedAt: number, budgetMs: number): void {
  deadline = startedAt + budgetMs;
  unitsBeforeClock = UNITS_PER_CLOCK_READ;
  exceeded = false;
}

/** Closes the budget: detectors called directly (tests, evaluation) run unbounded. */
export function closeBudget(): void {
  deadline = Infinity;
  exceeded = false;
}

/** Counts `units` of work; true once the open budget has run out (and from then on). */
export function spend(units: number): boolean {
  unitsBeforeClock -= units;
  if (unitsBeforeClock > 0 || deadline === Infinity) return exceeded;
  unitsBeforeClock = UNITS_PER_CLOCK_READ;
  if (performance.now() > deadline) exceeded = true;
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
