// Finding where an input sits inside a payload: the cheap first step of every detector.

/**
 * Start offsets of every (possibly overlapping) occurrence of `needle` in `haystack`.
 * Returns the shared empty array when there is none, so the common no-match path
 * allocates nothing.
 */
export function findOccurrences(haystack: string, needle: string): readonly number[] {
  if (needle.length === 0) return NONE;
  let at = haystack.indexOf(needle);
  if (at === -1) return NONE;
  const found: number[] = [];
  while (at !== -1) {
    found.push(at);
    at = haystack.indexOf(needle, at + 1);
  }
  return found;
}

const NONE: readonly number[] = Object.freeze([]);
