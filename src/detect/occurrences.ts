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

/** Needles longer than this are searched with KMP rather than V8's indexOf. */
export const LONG_NEEDLE = 256;
/** How much of a long needle is looked for with indexOf first, to skip to its first possible start. */
const PREFIX_PROBE = 64;

// The border table of the last needle that needed one: detectors search one needle many
// times in a row, and most needles never need one.
let tableNeedle = '';
let table = new Int32Array(0);

/** border[i]: length of the longest proper border of needle[0..i] (KMP failure function). */
function bordersOf(needle: string): Int32Array {
  if (needle === tableNeedle) return table;
  const m = needle.length;
  const border = new Int32Array(m);
  let k = 0;
  for (let i = 1; i < m; i++) {
    const c = needle.charCodeAt(i);
    while (k > 0 && needle.charCodeAt(k) !== c) k = border[k - 1]!;
    if (needle.charCodeAt(k) === c) k++;
    border[i] = k;
  }
  tableNeedle = needle;
  table = border;
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
