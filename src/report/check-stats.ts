// Per sink family: how many checks ran, and which of them are timed. Reading the clock twice
// costs more than a whole no-match check (two performance.now() calls are ~60-120 ns), so
// every check is counted (an integer, exported through an observable counter) and one in
// SAMPLE_EVERY is timed for the duration histogram, a family's first check included.

/** One check in this many is timed for `rampart.check.duration`. */
export const SAMPLE_EVERY = 16;

export interface FamilyChecks {
  readonly family: string;
  checks: number;
}

const byFamily = new Map<string, FamilyChecks>();

/** Counts one check of `family`; true when this one is to be timed. */
export function countCheck(family: string): boolean {
  let entry = byFamily.get(family);
  if (entry === undefined) {
    entry = { family, checks: 0 };
    byFamily.set(family, entry);
  }
  return entry.checks++ % SAMPLE_EVERY === 0;
}

/** Every family's count so far (read when metrics are collected). */
export function checkCounts(): IterableIterator<FamilyChecks> {
  return byFamily.values();
}
