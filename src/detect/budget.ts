// The per-check work budget. Detectors are linear in the payload for each input searched,
// so a check costs about the inputs searched times the payload; the guard opens a budget
// before each check and detectors charge their work as they go (characters scanned,
// positions visited, tokens produced), learning when it ran out so they stop and report
// instead of stalling the event loop.
//
// The budget counts work, never time: the same request gets the same verdict on an idle
// machine and on one whose cores are saturated, and the worst-case CPU of a check is the
// budget times the cost of a unit (measured in benchmarks/micro/large-request.js).
// Synchronous and never re-entered, like the detectors, so module state is safe.

import type { AttackKind, Detection, UserInput } from './types';

let unitsLeft = Infinity;
let openedWith = Infinity;
let exceeded = false;

/** Opens a budget of `units` for the check about to run. */
export function openBudget(units: number): void {
  unitsLeft = units;
  openedWith = units;
  exceeded = false;
}

/** Closes the budget: detectors called directly (tests, evaluation) run unbounded. */
export function closeBudget(): void {
  unitsLeft = Infinity;
  exceeded = false;
}

/** Counts `units` of work; true once the open budget has run out (and from then on). */
export function spend(units: number): boolean {
  unitsLeft -= units;
  if (unitsLeft < 0) exceeded = true;
  return exceeded;
}

/** Whether the open budget has run out (a search may have spent it without asking). */
export function budgetRanOut(): boolean {
  return exceeded;
}

/** Units spent since the budget was opened (benchmarks report what a check cost). */
export function unitsSpent(): number {
  return openedWith - unitsLeft;
}

export const BUDGET_RULE = 'rampart.check-budget';

/** The verdict of a check stopped by its budget, blaming the input being searched then. */
export function budgetExceeded(kind: AttackKind, input: UserInput): Detection {
  return {
    kind,
    input,
    rule: BUDGET_RULE,
    reason: 'The check ran out of its work budget (limits.checkBudget) before it could clear the call.',
  };
}
