// Inputs the app cut to a length before the file call (`name.slice(0, 20)`): the text in
// the path is then a prefix of the input, and an attacker pads the input so that the cut
// lands right after the name they want (`../../etc/passwd` + junk that passed the app's
// own checks, such as a trailing `.png`).

import { normalizePosixPath } from './normalize';

const SLASH = 0x2f;
const DOT = 0x2e;

/** The shortest name part a truncated input must leave in the path: below it, coincidence. */
export const MIN_TRUNCATED_NAME = 3;
/** Cut points tried per end of the path: each costs one normalization of a prefix. */
const MAX_CUTS = 8;
/** Ends tried in the last segment (the end of the path and before each of its dots). */
const MAX_ENDS = 4;

/**
 * Where the truncated input may end in the normalized path `np`: at its end, or before a
 * dot of its last name (the app appended an extension after cutting). The truncated text is
 * then the last thing in the path: a cut input followed by more of the app's own path
 * (`slice(0, 20) + '/index.html'`) is not followed (docs/path-traversal.md, Limits).
 */
function endsOf(np: string): number[] {
  let end = np.length;
  if (end > 1 && np.charCodeAt(end - 1) === SLASH) end--;
  const ends = [end];
  const nameStart = np.lastIndexOf('/', end - 1) + 1;
  for (let i = end - 1; i > nameStart && ends.length < MAX_ENDS; i--) {
    if (np.charCodeAt(i) === DOT) ends.push(i);
  }
  return ends;
}

/** Leading `..` segments of a normalized relative path, and where the rest starts. */
function climbOf(p: string): { up: number; restAt: number } {
  let up = 0;
  let at = 0;
  while (p.charCodeAt(at) === DOT && p.charCodeAt(at + 1) === DOT && (at + 2 === p.length || p.charCodeAt(at + 2) === SLASH)) {
    up++;
    at += 3;
  }
  return { up, restAt: Math.min(at, p.length) };
}

/**
 * Does a strict prefix of `form` (an input with `..` segments, or absolute when `absolute`)
 * end the normalized path `np` the way the whole input would have?
 * - relative: normalize(prefix) climbs (`../..`) and what remains, at least
 *   MIN_TRUNCATED_NAME characters, is the path's tail from a segment start;
 * - absolute: normalize(prefix) is the path up to that end and names at least two segments
 *   (a one-segment `/home` coincides with top-level directories, detector.ts controlsStart).
 * The prefix is found from the path, not by trying every length: its last name is the
 * path's last name up to the chosen end, so only the places where that name starts a
 * segment of the input are tried.
 */
export function truncatedPrefixClimbs(np: string, form: string, absolute: boolean): boolean {
  const ends = endsOf(np);
  for (let k = 0; k < ends.length; k++) {
    const end = ends[k]!;
    const nameStart = np.lastIndexOf('/', end - 1) + 1;
    const name = np.slice(nameStart, end);
    if (name.length === 0) continue;
    let cuts = 0;
    for (let at = form.indexOf(name); at !== -1 && cuts < MAX_CUTS; at = form.indexOf(name, at + 1)) {
      const cut = at + name.length;
      if (cut >= form.length) break; // the whole input: the untruncated checks had their say
      if (at > 0 && form.charCodeAt(at - 1) !== SLASH) continue;
      cuts++;
      const prefix = normalizePosixPath(form.slice(0, cut));
      if (absolute) {
        if (prefix.charCodeAt(0) === SLASH && prefix === np.slice(0, end) && prefix.indexOf('/', 1) !== -1) return true;
        continue;
      }
      const { up, restAt } = climbOf(prefix);
      if (up === 0) continue;
      const rest = prefix.slice(restAt);
      if (rest.length < MIN_TRUNCATED_NAME || rest.length > end) continue;
      const restStart = end - rest.length;
      if ((restStart === 0 || np.charCodeAt(restStart - 1) === SLASH) && np.startsWith(rest, restStart)) return true;
    }
  }
  return false;
}
