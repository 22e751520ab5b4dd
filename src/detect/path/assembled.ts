// A `..` segment assembled from several inputs, none of which holds `..` itself: the app
// concatenates them (`${dir}${name}`, `${name}.${ext}`) and the dots meet in the path
// (`.` + `./secret`, `.` + the app's `.` + `/secret`). Only the path as the app wrote it
// can show this: once normalized (path.join/resolve of the whole text) the `..` is gone,
// and the result cannot be told apart from the same inputs joined as separate segments
// (docs/path-traversal.md, Limits).

import { isWithinDir, normalizePosixPath } from './normalize';

const SLASH = 0x2f;
const DOT = 0x2e;

/** `..` segments of one path looked at: each costs a normalization of two prefixes. */
const MAX_SEGMENTS = 16;
/** Occurrences of one form collected around one segment (a `.` input matches each dot). */
const MAX_PIECES = 4;

/** A piece of the path that is the text of one input. */
interface Piece {
  readonly owner: number;
  readonly start: number;
  readonly end: number;
}

/** Starts of the raw `..` segments of `path`, in order (most paths have none). */
function dotDotSegments(path: string): number[] {
  const found: number[] = [];
  let at = path.indexOf('..');
  while (at !== -1 && found.length < MAX_SEGMENTS) {
    const end = at + 2;
    if ((at === 0 || path.charCodeAt(at - 1) === SLASH) && (end === path.length || path.charCodeAt(end) === SLASH)) found.push(at);
    at = path.indexOf('..', at + 1);
  }
  return found;
}

/** Pieces of `forms[owner]` occurrences that touch the segment at `s` or its separators. */
function piecesAround(path: string, s: number, owner: number, forms: readonly string[], out: Piece[]): void {
  const from = s - 1; // the separator before the dots
  const to = s + 3; // up to and including the separator after them
  for (let k = 0; k < forms.length; k++) {
    const form = forms[k]!;
    let found = 0;
    let at = path.indexOf(form, Math.max(0, from - form.length + 1));
    while (at !== -1 && at < to && found < MAX_PIECES) {
      out.push({ owner, start: at, end: at + form.length });
      found++;
      at = path.indexOf(form, at + 1);
    }
  }
}

/**
 * The input that, with others, put a `..` segment into `path` which leaves the directory
 * the first of them was put under, or -1. `forms[i]` are the texts of input i (itself and
 * its decoded forms); `edgeDot[i]` says whether one of them begins with `./`, ends with
 * `/.` or is `.` (only such an input can give one dot of a `..` it does not hold whole).
 * A segment counts when an input gives one of its dots and either that input also reaches
 * past the dots (`./secret` after a `.`) or a different input touches the segment
 * (`/secret` after `.` and the app's `.`). An input that holds both dots was judged alone;
 * one input matching both dots one at a time (a `.` input against the app's own `..`) is
 * coincidence.
 */
export function assembledEscape(path: string, forms: readonly (readonly string[])[], edgeDot: readonly boolean[]): number {
  const segments = dotDotSegments(path);
  for (let n = 0; n < segments.length; n++) {
    const s = segments[n]!;
    const pieces: Piece[] = [];
    for (let i = 0; i < forms.length; i++) piecesAround(path, s, i, forms[i]!, pieces);
    let giver = -1;
    let wholeSegment = false;
    for (const p of pieces) {
      const firstDot = p.start <= s && p.end > s;
      const secondDot = p.start <= s + 1 && p.end > s + 1;
      if (firstDot && secondDot) wholeSegment = true;
      else if ((firstDot || secondDot) && edgeDot[p.owner] === true) {
        const reachesPast = p.start < s || p.end > s + 2;
        const other = pieces.some((q) => q.owner !== p.owner);
        if (reachesPast || other) giver = p.owner;
      }
    }
    if (wholeSegment || giver === -1) continue;
    let start = path.length;
    let end = 0;
    for (const p of pieces) {
      if (p.start < start) start = p.start;
      if (p.end > end) end = p.end;
    }
    const baseEnd = path.charCodeAt(start) === SLASH ? start : path.lastIndexOf('/', start - 1) + 1;
    let targetEnd = end;
    while (targetEnd < path.length && path.charCodeAt(targetEnd) !== SLASH) targetEnd++;
    const baseDir = normalizePosixPath(path.slice(0, baseEnd));
    if (!isWithinDir(baseDir, normalizePosixPath(path.slice(0, targetEnd)))) return giver;
  }
  return -1;
}

/** Can this form give one dot of a `..` segment it does not hold whole? */
export function hasEdgeDot(v: string): boolean {
  const len = v.length;
  if (len === 0) return false;
  if (v.charCodeAt(0) === DOT && (len === 1 || v.charCodeAt(1) === SLASH)) return true;
  return len >= 2 && v.charCodeAt(len - 1) === DOT && v.charCodeAt(len - 2) === SLASH;
}
