// Lexical POSIX path arithmetic. Detectors may not import `node:path`, so this file
// reimplements the parts of `path.posix` the path detector needs, with the same results.

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Same result as `path.posix.normalize(p)`: collapses `//`, drops `.` segments, lets
 * `..` remove the previous segment (or stay as a leading `..` in a relative path, or
 * vanish at the root of an absolute one), keeps one trailing slash, and turns an empty
 * result into `.` (or `./` when the input ended with a slash).
 */
export function normalizePosixPath(p: string): string {
  const len = p.length;
  if (len === 0) return '.';
  const absolute = p.charCodeAt(0) === SLASH;
  const trailingSlash = p.charCodeAt(len - 1) === SLASH;
  const segments: string[] = [];
  // Leading `..` segments of a relative result; they can never be popped.
  let dotdots = 0;
  let start = 0;
  for (let i = 0; i <= len; i++) {
    if (i < len && p.charCodeAt(i) !== SLASH) continue;
    const segLen = i - start;
    if (segLen === 0 || (segLen === 1 && p.charCodeAt(start) === DOT)) {
      // empty segment (`//`) or `.`: no effect
    } else if (segLen === 2 && p.charCodeAt(start) === DOT && p.charCodeAt(start + 1) === DOT) {
      if (segments.length > 0) segments.pop();
      else if (!absolute) dotdots++;
      // at the root of an absolute path `..` stays at the root
    } else {
      segments.push(p.slice(start, i));
    }
    start = i + 1;
  }
  // Joined once: appending segment by segment builds a rope of a node per segment.
  const up = dotdots === 0 ? '' : '..' + '/..'.repeat(dotdots - 1);
  const rest = segments.join('/');
  let body = up.length === 0 ? rest : rest.length === 0 ? up : `${up}/${rest}`;
  if (body.length === 0) {
    if (absolute) return '/';
    return trailingSlash ? './' : '.';
  }
  if (trailingSlash) body += '/';
  return absolute ? '/' + body : body;
}

/** `p` without its trailing slashes, except that `/` stays `/`. */
function stripTrailingSlashes(p: string): string {
  let end = p.length;
  while (end > 1 && p.charCodeAt(end - 1) === SLASH) end--;
  return end === p.length ? p : p.slice(0, end);
}

/** True when the segment of `p` that starts at `at` is `..`. */
function isDotDotAt(p: string, at: number): boolean {
  return (
    p.charCodeAt(at) === DOT &&
    p.charCodeAt(at + 1) === DOT &&
    (at + 2 === p.length || p.charCodeAt(at + 2) === SLASH)
  );
}

/** Number of leading `..` segments of a normalized relative path. */
function leadingDotDots(p: string): number {
  let n = 0;
  while (isDotDotAt(p, n * 3)) n++;
  return n;
}

/**
 * Lexical containment of two normalized paths (outputs of `normalizePosixPath`): is
 * `target` the directory `dir` itself or somewhere below it? A relative `dir` is taken
 * relative to the same unknown working directory as a relative `target`.
 */
export function isWithinDir(dir: string, target: string): boolean {
  const d = stripTrailingSlashes(dir);
  const t = stripTrailingSlashes(target);
  const dAbs = d.charCodeAt(0) === SLASH;
  if (dAbs !== (t.charCodeAt(0) === SLASH)) return false;
  if (d === '/') return true;
  if (!dAbs) {
    const dUp = d === '.' ? 0 : leadingDotDots(d);
    const tUp = t === '.' ? 0 : leadingDotDots(t);
    // A dir made only of `..` (or `.`) is an ancestor of everything that climbs less.
    if (d === '.' || dUp * 3 - 1 === d.length) return tUp <= dUp;
    if (tUp !== dUp) return false;
  }
  return t === d || (t.length > d.length && t.startsWith(d) && t.charCodeAt(d.length) === SLASH);
}
