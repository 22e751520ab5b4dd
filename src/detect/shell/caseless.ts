// What the shell detector needs to find an input whose case the app changed, made once per
// distinct value (value-facts.ts).

export interface CaselessForm {
  /** The value with ASCII letters lower-cased (same length, same offsets). */
  readonly lower: string;
  /** Whether the value has upper-case ASCII letters (otherwise only a script with some can differ). */
  readonly upper: boolean;
  /**
   * Longest run of characters that are not ASCII letters, or '' when there is none. Folding
   * changes letters only, so a script without this run cannot hold the value in any case.
   */
  readonly anchor: string;
}

/** The caseless form of `value`, or null when it has no ASCII letter (nothing to fold). */
export function caselessFormOf(value: string): CaselessForm | null {
  let letters = false;
  let upper = false;
  let best = 0;
  let bestAt = 0;
  let runAt = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 0x61;
    const isUpper = c >= 0x41 && c <= 0x5a;
    if (!isUpper && !(c >= 0x61 && c <= 0x7a)) continue;
    if (i < value.length) {
      letters = true;
      upper ||= isUpper;
    }
    if (i - runAt > best) {
      best = i - runAt;
      bestAt = runAt;
    }
    runAt = i + 1;
  }
  if (!letters) return null;
  let lower = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    lower += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 0x20) : value[i];
  }
  return { lower, upper, anchor: value.slice(bestAt, bestAt + best) };
}

export function hasAsciiUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return true;
  }
  return false;
}
