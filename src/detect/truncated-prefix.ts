// Inputs the app cut to a length before pasting them into a query or a shell script
// (`name.slice(0, 20)`, `substring`, a VARCHAR-sized cut): the payload then holds only a
// prefix of the input, and an attacker pads past the part that matters (`x' OR 1=1 --`
// followed by 500 `A`s) so that the input occurs nowhere. This finds the prefixes of such an
// input that the payload does hold, so the detector can judge each one exactly as it judges
// an input: the prefix is what reached the sink.
//
// Bounded, because it runs for inputs that did not occur, the common case:
// - only inputs that can change structure (TruncationProbe.of decides, per value);
// - one search per input for its head, its first PREFIX_HEAD characters after leading blanks
//   (fewer for a short input, never fewer than MIN_PREFIX: a shorter text coincides with the
//   app's own text too often to mean anything);
// - at most MAX_CANDIDATES places where the head occurs, each extended as far as the input
//   and the payload agree (at most the input's length). The extension stops where they
//   differ, so every prefix found is maximal: the payload's next character is not the
//   input's, which is what a cut looks like.

import { INDEXED_PAYLOAD, indexOfLinear } from './occurrences';

/** Characters of the head searched for: the shortest prefix followed for a long input. */
export const PREFIX_HEAD = 8;
/** The shortest prefix followed at all (for inputs shorter than PREFIX_HEAD + 1). */
export const MIN_PREFIX = 7;
/** Places where the head occurs that are extended and judged, first ones first. */
export const MAX_CANDIDATES = 8;

/** What a detector needs to look for the prefixes of one text; made once per distinct value. */
export class TruncationProbe {
  private constructor(
    /** Leading blanks (spaces, tabs) skipped: they cannot change structure and match any indentation. */
    readonly lead: number,
    /** needle.slice(lead, lead + head length). */
    readonly head: string,
    /** Where in the head its rarest character is (the one searched for first), and that character. */
    readonly rareAt: number,
    readonly rare: string,
    /**
     * The head's rarest ASCII character that is not a letter, or '' when it has none. Case
     * folding neither changes nor produces such characters (and keeps offsets), so a payload
     * without it, as sent, holds no prefix of the needle in any case, nor the needle itself:
     * one scan for it rules out both, before the payload is folded or searched further.
     */
    readonly gate: string,
    /** The head's longest run of such characters: what a long, indexed payload is asked for. */
    readonly gateRun: string,
  ) {}

  /**
   * The probe for `needle`, or undefined when its prefixes are not worth following: shorter
   * than MIN_PREFIX + 1 once leading blanks are skipped, or without any character that can
   * change structure (`mayCarryStructure`, decided by the detector's language). `rank`
   * orders ASCII characters from common (0) to rare in the detector's payloads; others are
   * rarest.
   */
  static of(needle: string, mayCarryStructure: (text: string) => boolean, rank: Uint8Array): TruncationProbe | undefined {
    let lead = 0;
    while (lead < needle.length && isBlank(needle.charCodeAt(lead))) lead++;
    const rest = needle.length - lead;
    // A prefix is shorter than the input: a head of the whole input is an exact occurrence.
    const headLength = Math.min(PREFIX_HEAD, rest - 1);
    if (headLength < MIN_PREFIX || !mayCarryStructure(needle)) return undefined;
    const head = needle.slice(lead, lead + headLength);
    let rareAt = 0;
    let best = -1;
    let gate = '';
    let bestGate = -1;
    let run = 0;
    let runAt = 0;
    let bestRun = 0;
    for (let i = 0; i < head.length; i++) {
      const c = head.charCodeAt(i);
      const r = c < 0x80 ? rank[c]! : 0xff;
      if (r > best) {
        best = r;
        rareAt = i;
      }
      const letter = ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c >= 0x80;
      if (letter) {
        run = 0;
        continue;
      }
      if (r > bestGate) {
        bestGate = r;
        gate = head[i]!;
      }
      if (++run > bestRun) {
        bestRun = run;
        runAt = i + 1 - run;
      }
    }
    return new TruncationProbe(lead, head, rareAt, head[rareAt]!, gate, head.slice(runAt, runAt + bestRun));
  }

  /**
   * `haystack.indexOf(this.head, from)`, faster on the payloads it is made for: most heads are
   * in no payload, and looking for the head's rarest character (a memchr-like scan) rules
   * that out sooner than a search that restarts at each occurrence of the head's first
   * character. After a few places where the rare character is not part of the head, the
   * plain search takes over, so it is never much slower than that.
   */
  indexIn(haystack: string, from: number): number {
    const head = this.head;
    if (haystack.length >= INDEXED_PAYLOAD) {
      // A long payload's first search may use its pair index (occurrences.ts, which charges
      // its own scans); the next ones resume there and are counted by the caller.
      return from === 0 ? indexOfLinear(haystack, head, 0) : haystack.indexOf(head, from);
    }
    const skip = this.rareAt;
    let p = haystack.indexOf(this.rare, from + skip);
    for (let misses = 0; p !== -1; misses++) {
      if (haystack.startsWith(head, p - skip)) return p - skip;
      if (misses === MAX_MISSES) return haystack.indexOf(head, p - skip + 1);
      p = haystack.indexOf(this.rare, p + 1);
    }
    return -1;
  }
}

const MAX_MISSES = 1;

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;

/**
 * Whether `payload` (as sent, not folded) may hold the needle of `probe` or a prefix of it
 * at least as long as its head: false only when it lacks the head's longest run of
 * non-letters or, for a run of one, its rarest non-letter. Costs a scan of a short payload,
 * which the caller charges with its own search.
 */
export function mayHoldHead(payload: string, probe: TruncationProbe): boolean {
  if (probe.gate === '') return true;
  const run = probe.gateRun;
  // A long payload is searched through its pair index (occurrences.ts), cheaper than a scan,
  // but only for two characters or more.
  if (payload.length >= INDEXED_PAYLOAD) return run.length < 2 || indexOfLinear(payload, run, 0) !== -1;
  return payload.indexOf(run.length > 1 ? run : probe.gate) !== -1;
}

/** Where the last findTruncatedPrefixes call found prefixes: haystack[starts[i], ends[i]). */
export const prefixStarts = new Int32Array(MAX_CANDIDATES);
export const prefixEnds = new Int32Array(MAX_CANDIDATES);

/**
 * The maximal prefixes of `needle` (from `probe.lead` on) that `haystack` holds, at the first
 * MAX_CANDIDATES places its head occurs: returns how many, in prefixStarts / prefixEnds. The
 * caller charges the budget (budget.ts) for the scan and the extensions (`prefixWork`).
 */
export function findTruncatedPrefixes(haystack: string, needle: string, probe: TruncationProbe): number {
  const head = probe.head;
  const lead = probe.lead;
  let count = 0;
  // Each search resumes after the last place, so together they scan the payload once; that
  // scan is counted in the work.
  const first = probe.indexIn(haystack, 0);
  let work = 0;
  for (let at = first; at !== -1 && count < MAX_CANDIDATES; at = probe.indexIn(haystack, at + 1)) {
    let end = at + head.length;
    let k = lead + head.length;
    while (end < haystack.length && k < needle.length && haystack.charCodeAt(end) === needle.charCodeAt(k)) {
      end++;
      k++;
    }
    work += end - at;
    prefixStarts[count] = at;
    prefixEnds[count] = end;
    count++;
  }
  lastWork = count === 0 ? 0 : work + prefixStarts[count - 1]! - first;
  return count;
}

let lastWork = 0;

/** Characters compared by the last findTruncatedPrefixes call beyond its scan. */
export function prefixWork(): number {
  return lastWork;
}
