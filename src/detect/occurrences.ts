// Finding where an input sits inside a payload: the cheap first step of every detector,
// linear in the payload whatever the attacker sends.
//
// Two traps on the way. Enumerating overlapping occurrences with `indexOf(needle, at + 1)`
// costs the needle's length per step, so a long periodic input (`aaaa…`, `'''…`, `../../…`)
// inside a longer run of itself is quadratic: nextOccurrence steps through such a run by
// the needle's period instead. And V8's indexOf builds its skip tables from only the last
// few hundred characters of a needle, so a long needle whose tail repeats all over the
// payload is verified, and rejected late, at almost every position: a long needle is
// searched with Knuth-Morris-Pratt instead.

import { spend } from './budget';

/** Needles longer than this are searched with KMP rather than V8's indexOf. */
export const LONG_NEEDLE = 256;
/** How much of a long needle is looked for with indexOf first, to skip to its first possible start. */
const PREFIX_PROBE = 64;

// The border table of the last needle that needed one, in one buffer reused for every needle
// (grown when a longer one comes): detectors search one needle many times in a row, and a
// bulk statement's thousands of inputs would otherwise allocate a table each.
const RETAINED_TABLE = 1 << 14;
let tableNeedle = '';
let table = new Int32Array(256);

/** border[i]: length of the longest proper border of needle[0..i] (KMP failure function). Valid until the next call. */
function bordersOf(needle: string): Int32Array {
  if (needle === tableNeedle) return table;
  const m = needle.length;
  if (table.length < m) table = new Int32Array(Math.max(m, table.length * 2));
  else if (table.length > RETAINED_TABLE && m <= RETAINED_TABLE) table = new Int32Array(RETAINED_TABLE); // a huge needle's table is not kept
  const border = table;
  border[0] = 0;
  let k = 0;
  for (let i = 1; i < m; i++) {
    const c = needle.charCodeAt(i);
    while (k > 0 && needle.charCodeAt(k) !== c) k = border[k - 1]!;
    if (needle.charCodeAt(k) === c) k++;
    border[i] = k;
  }
  tableNeedle = needle;
  return border;
}

/**
 * Smallest period of `needle`: the least shift at which it can overlap a copy of itself, or
 * its length when it cannot. Linear; computed only once a first occurrence was found.
 */
export function smallestPeriod(needle: string): number {
  const m = needle.length;
  if (m < 2) return m;
  return m - bordersOf(needle)[m - 1]!;
}

/** `haystack.indexOf(needle, from)`, in linear time for needles of any length. */
export function indexOfLinear(haystack: string, needle: string, from: number): number {
  const m = needle.length;
  if (haystack.length >= INDEXED_PAYLOAD) {
    if (m >= 2) {
      const at = indexedSearch(haystack, needle, from);
      if (at !== NOT_INDEXED) return at;
    }
    spend(haystack.length - Math.max(from, 0)); // a scan of a long payload charges itself (see searchCost)
  }
  if (m <= LONG_NEEDLE) return haystack.indexOf(needle, from);
  // Every occurrence starts at an occurrence of the needle's prefix: skip to the first one.
  const start = haystack.indexOf(needle.slice(0, PREFIX_PROBE), from);
  if (start === -1 || haystack.length - start < m) return -1;
  const border = bordersOf(needle);
  let k = 0;
  for (let i = start; i < haystack.length; i++) {
    const c = haystack.charCodeAt(i);
    while (k > 0 && needle.charCodeAt(k) !== c) k = border[k - 1]!;
    if (needle.charCodeAt(k) === c && ++k === m) return i - m + 1;
  }
  return -1;
}

/**
 * The next occurrence of `needle` in `haystack` after the one at `at`, given the needle's
 * smallest period. Two occurrences closer than the needle's length differ by a period, so a
 * needle without one (the usual case) resumes after the whole occurrence, and a periodic one
 * checks the next period's worth of characters first: a run of the needle costs its length
 * once, not once per occurrence. `search` is the plain search to fall back on (by default
 * indexOfLinear).
 */
export function nextOccurrence(
  haystack: string,
  needle: string,
  at: number,
  period: number,
  search?: { indexIn(haystack: string, from: number): number },
): number {
  const m = needle.length;
  let from: number;
  if (period >= m) {
    from = at + m;
  } else {
    const end = at + m;
    if (end + period <= haystack.length && matchesAt(haystack, end, needle, m - period, period)) return at + period;
    // The run is broken. A closer occurrence would overlap this one by at least a period and
    // so continue the run: the next one is more than half the needle away, and these
    // fallbacks happen at most twice per needle length of haystack.
    from = at + period + 1;
  }
  return search === undefined ? indexOfLinear(haystack, needle, from) : search.indexIn(haystack, from);
}

/** Whether haystack[from, from + count) equals needle[offset, offset + count). */
function matchesAt(haystack: string, from: number, needle: string, offset: number, count: number): boolean {
  for (let i = 0; i < count; i++) {
    if (haystack.charCodeAt(from + i) !== needle.charCodeAt(offset + i)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// One payload searched for many inputs. A bulk INSERT of a thousand rows holds every row's
// values, and every value is an input: searching each one with indexOf costs the payload's
// length per input, the inputs times the payload in all (a 64 KB query with 3,000 inputs
// took 250 ms). Once the same long payload has been searched a few times, it is indexed
// instead: every position by the two characters starting there (a counting sort, linear),
// and a needle is looked for only where its rarest pair of characters occurs. A search
// then costs that pair's occurrences (verified with startsWith), not the payload's length.
// Where that would not be cheaper (every pair of the needle is common: hostile text such
// as `abab…`), the plain linear search above runs: never worse than without the index.
// Deterministic: built after a fixed number of searches of one payload, never on time.

/** Payloads shorter than this are searched directly: scanning them costs less than indexing. */
export const INDEXED_PAYLOAD = 2048;
/** Searches of one payload before it is indexed (most checks search a handful of inputs). */
const SEARCHES_BEFORE_INDEX = 8;
const BUCKETS = 1 << 16;

class PairIndex {
  /** starts[b] .. starts[b + 1]: where positions of pair bucket b sit in `positions`, ascending. */
  readonly starts = new Int32Array(BUCKETS + 1);
  readonly positions: Int32Array;

  constructor(readonly haystack: string) {
    const n = haystack.length;
    const pairs = n - 1;
    this.positions = new Int32Array(Math.max(pairs, 0));
    const starts = this.starts;
    for (let i = 0; i < pairs; i++) starts[pairBucket(haystack.charCodeAt(i), haystack.charCodeAt(i + 1)) + 1]++;
    for (let b = 0; b < BUCKETS; b++) starts[b + 1] += starts[b]!;
    const fill = starts.slice(0, BUCKETS);
    for (let i = 0; i < pairs; i++) this.positions[fill[pairBucket(haystack.charCodeAt(i), haystack.charCodeAt(i + 1))]++] = i;
  }

  /**
   * `haystack.indexOf(needle, from)` through the index, or NOT_INDEXED when the needle's
   * rarest pair is too common for the index to beat a scan.
   */
  indexOf(needle: string, from: number): number {
    const m = needle.length;
    const n = this.haystack.length;
    if (m < 2) return NOT_INDEXED;
    if (from < 0) from = 0;
    if (n - from < m) return -1;
    let best = -1;
    let bestCount = Infinity;
    // A long needle's pairs are sampled at both ends only: looking up every pair of a
    // megabyte input would cost more than the scan it is meant to save. A needle whose ends
    // hold only common pairs is scanned for instead (charged, like any scan).
    const pairs = m - 1;
    for (let j = 0; j < pairs && j < 2 * PAIRS_SAMPLED_PER_END; j++) {
      const k = j < PAIRS_SAMPLED_PER_END || pairs <= 2 * PAIRS_SAMPLED_PER_END ? j : pairs - 2 * PAIRS_SAMPLED_PER_END + j;
      const b = pairBucket(needle.charCodeAt(k), needle.charCodeAt(k + 1));
      const count = this.starts[b + 1]! - this.starts[b]!;
      if (count < bestCount) {
        bestCount = count;
        best = k;
        if (count === 0) return -1; // a pair of the needle is nowhere in the payload
      }
    }
    // Each candidate costs a comparison of up to the needle's length.
    if (bestCount * Math.min(m, 64) > n) return NOT_INDEXED;
    const b = pairBucket(needle.charCodeAt(best), needle.charCodeAt(best + 1));
    const positions = this.positions;
    let lo = this.starts[b]!;
    let hi = this.starts[b + 1]!;
    // First position at or after from + best (binary search: positions ascend within a bucket).
    const first = from + best;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (positions[mid]! < first) lo = mid + 1;
      else hi = mid;
    }
    const end = this.starts[b + 1]!;
    // Charged as visited: the binary search, then each candidate tried.
    let at = -1;
    let i = lo;
    // Verified from the rare pair on: the pair matched, so a candidate that fails does so
    // near it more often than at the needle's start (a long periodic needle whose one rare
    // pair sits at its end failed only after comparing almost all of it). Slices of a flat
    // string share its characters: nothing is copied. No candidate: no slices made.
    if (i < end) {
      const fromPair = best === 0 ? needle : needle.slice(best);
      const beforePair = needle.slice(0, best);
      for (; i < end; i++) {
        const start = positions[i]! - best;
        if (start + m > n) break;
        if (this.haystack.startsWith(fromPair, start + best) && this.haystack.startsWith(beforePair, start)) {
          at = start;
          break;
        }
      }
    }
    spend(32 + (i - lo + 1) * m); // a candidate verified may compare the whole needle
    return at;
  }
}

const NOT_INDEXED = -2;
/** How many character pairs at each end of a needle the index looks up to pick the rarest. */
const PAIRS_SAMPLED_PER_END = 128;

/** Bucket of a character pair: exact for Latin-1 pairs, hashed beyond (verification catches collisions). */
function pairBucket(a: number, b: number): number {
  return a < 256 && b < 256 ? (a << 8) | b : (Math.imul(a, 0x9e3779b1) ^ b) & 0xffff;
}

// The last two long payloads searched (a query and its case-folded copy), with their counts.
const recentPayloads: string[] = ['', ''];
const recentCounts = [0, 0];
const recentIndexes: (PairIndex | undefined)[] = [undefined, undefined];
let nextSlot = 0;

/** The index of a long payload searched repeatedly, counting this search; undefined until then. */
function indexFor(haystack: string): PairIndex | undefined {
  let s = recentPayloads[0] === haystack ? 0 : recentPayloads[1] === haystack ? 1 : -1;
  if (s === -1) {
    s = nextSlot;
    nextSlot ^= 1;
    recentPayloads[s] = haystack;
    recentCounts[s] = 0;
    recentIndexes[s] = undefined;
  }
  const index = recentIndexes[s];
  if (index !== undefined) return index;
  if (++recentCounts[s]! < SEARCHES_BEFORE_INDEX) return undefined;
  spend(haystack.length); // building it scans the payload twice
  return (recentIndexes[s] = new PairIndex(haystack));
}

/**
 * What a detector charges the budget (budget.ts) before searching `haystack` for one input:
 * its length, the cost of a scan. Nothing for a long payload: each search of one charges
 * its own work (the characters a scan covers, or the positions an indexed search visits),
 * whichever copy of the payload (the query or its case-folded form) is searched.
 */
export function searchCost(haystack: string): number {
  return haystack.length >= INDEXED_PAYLOAD ? 0 : haystack.length;
}

/**
 * Payloads up to this long keep their index after the check that built it (a megabyte of
 * positions at most), for the next check of the same text. A longer payload, its index,
 * and a KMP table grown for a needle past RETAINED_TABLE are let go when the guarded check
 * ends: a 10 MB bulk statement's index would pin 40 MB, and the statement itself (a
 * request's data), until two other long payloads replaced it.
 */
export const RETAINED_INDEX = 1 << 18;

/** Lets go of the search state of long payloads and needles (called when a guarded check ends). */
export function releaseLargeSearches(): void {
  for (let s = 0; s < recentPayloads.length; s++) {
    if (recentPayloads[s]!.length <= RETAINED_INDEX) continue;
    recentPayloads[s] = '';
    recentIndexes[s] = undefined;
    recentCounts[s] = 0;
  }
  if (table.length > RETAINED_TABLE) {
    table = new Int32Array(256);
    tableNeedle = '';
  }
}

/** Forgets the indexed payloads (their memory is the payload's size in 32-bit integers). */
export function forgetIndexedPayloads(): void {
  recentPayloads[0] = recentPayloads[1] = '';
  recentIndexes[0] = recentIndexes[1] = undefined;
  recentCounts[0] = recentCounts[1] = 0;
}

/** `indexOfLinear` through the pair index when the payload is long and searched repeatedly. */
function indexedSearch(haystack: string, needle: string, from: number): number {
  const index = indexFor(haystack);
  return index === undefined ? NOT_INDEXED : index.indexOf(needle, from);
}
