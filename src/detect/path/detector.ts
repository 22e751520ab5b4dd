// Path traversal: did a user input steer a file path outside the directory the app
// meant, or choose the path outright? DESIGN section 3, applied to path segments.

import type { Detection, UserInput } from '../types';
import { budgetExceeded, spend } from '../budget';
import { decodedForms } from './decode';
import { assembledEscape, hasEdgeDot } from './assembled';
import { truncatedPrefixClimbs } from './truncated';
import { strippedForms } from './stripped';
import { normalizedForms } from '../normalized-forms';
import { isWithinDir, normalizePosixPath } from './normalize';
import { InputMemo, MemoRow } from '../input-memo';
import { indexOfLinear, nextOccurrence, smallestPeriod } from '../occurrences';

export interface PathDetectOptions {
  /**
   * Absolute directories under which a user-chosen absolute path is fine (for example
   * a document root the app lets users browse). Applies to `path.absolute` only.
   */
  readonly allowedRoots?: readonly string[];
}

export const PATH_RULES = {
  traversal: 'path.traversal',
  absolute: 'path.absolute',
  nulByte: 'path.nul-byte',
} as const;

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const PERCENT = 0x25;

// What one form of an input can do to a path; 0 means "a plain name, nothing to check".
const DOTDOT_SEGMENT = 1; // has a `..` segment between slashes or the ends
const ABSOLUTE = 2; // starts with `/`
const NUL = 4; // holds a NUL byte
const ENCODED = 8; // has `%`, `\` or is a `file:` URL: decoded forms may reach the path
const EDGE_DOT = 16; // is `.`, starts `./` or ends `/.`: may give one dot of a `..` made with other text

/**
 * One pass over the input, no allocation: which checks can this form trigger? Every
 * character that matters is at or below `/` except `\`, so ordinary letters and digits
 * cost one comparison.
 */
function scanForm(v: string): number {
  const len = v.length;
  let flags = 0;
  let segStart = 0;
  let dots = 0;
  let control = false; // a control character or blank: may hide a `file:` URL from this scan
  for (let i = 0; i < len; i++) {
    const c = v.charCodeAt(i);
    if (c > SLASH) {
      if (c === BACKSLASH) flags |= ENCODED;
      continue;
    }
    if (c <= 0x20) control = true;
    if (c === DOT) {
      dots++;
    } else if (c === SLASH) {
      if (i === 0) flags |= ABSOLUTE;
      else if (dots === 2 && i - segStart === 2) flags |= DOTDOT_SEGMENT;
      segStart = i + 1;
      dots = 0;
    } else if (c === PERCENT) {
      flags |= ENCODED;
    } else if (c === 0) {
      flags |= NUL;
    }
  }
  if (dots === 2 && len - segStart === 2) flags |= DOTDOT_SEGMENT;
  // `file:` URLs name a path once converted (the hook converts the sink's URL, not inputs)
  if (len > 5 && v.charCodeAt(4) === 0x3a && (v.charCodeAt(0) | 0x20) === 0x66) flags |= ENCODED;
  // ` file:…`, `fi\tle:…`: the URL parser drops those characters (decode.ts, urlParserText).
  if (control && v.indexOf(':') !== -1) flags |= ENCODED;
  if ((v.charCodeAt(0) === DOT || v.charCodeAt(len - 1) === DOT) && hasEdgeDot(v)) flags |= EDGE_DOT;
  return flags;
}

/** A form of an input (itself or a decoded form) and what it can do to a path. */
interface CheckedForm {
  readonly form: string;
  readonly flags: number;
  /**
   * The less decoded or unfolded texts this form was made from (empty for the input as
   * sent). A path holding one of them verbatim shows the app did not decode or fold there:
   * `base/%2e%2e/secret` is a name under base, and its tail is not the decoded input's.
   */
  readonly from: readonly string[];
}

const AS_SENT: readonly string[] = Object.freeze([]);

const NOTHING: readonly CheckedForm[] = Object.freeze([]);

/**
 * Scanning (and decoding) every input again for every file operation of a request repeats
 * the same work: it is done once per input (input-memo.ts), so a check of plain inputs
 * costs a few comparisons each.
 */
const checksMemo = new InputMemo<readonly CheckedForm[]>();

/** The forms of an input worth checking, in order; empty for plain names (the common case). */
function checksOf(row: MemoRow<readonly CheckedForm[]>, i: number, input: UserInput, value: string): readonly CheckedForm[] {
  const cached = row.get(i, input, value);
  if (cached !== undefined) return cached;
  let forms = NOTHING;
  const flags = scanForm(value);
  // What the app may paste instead of the value: with `../` deleted (stripped.ts), trimmed or
  // NFKC-normalized (`．．／` becomes `../`; normalized-forms.ts).
  const rewritten = [...strippedForms(value), ...normalizedForms(value, i)];
  if (flags !== 0 || rewritten.length > 0) {
    const found: CheckedForm[] = [];
    if ((flags & ~ENCODED) !== 0) found.push({ form: value, flags, from: AS_SENT });
    for (let k = 0; k < rewritten.length; k++) {
      const formFlags = scanForm(rewritten[k]!) & ~ENCODED;
      if (formFlags !== 0) found.push({ form: rewritten[k]!, flags: formFlags, from: [value] });
    }
    if ((flags & ENCODED) !== 0) {
      const variants = decodedForms(value);
      for (let k = 0; k < variants.length; k++) {
        const { form, from } = variants[k]!;
        const formFlags = scanForm(form) & ~ENCODED;
        if (formFlags !== 0) found.push({ form, flags: formFlags, from });
      }
    }
    addCaseFolded(found);
    if (found.length > 0) forms = found;
  }
  return row.set(i, input, value, forms);
}

/**
 * Apps lower- or upper-case names before the file call (`name.toLowerCase()`): the forms
 * `toLowerCase()`/`toUpperCase()` give are looked for too, after every unfolded form
 * failed (they come last), and only for inputs that can do something to a path and have
 * cased letters (otherwise folding changes nothing). The filesystem stays case-sensitive:
 * these forms only find the input in the path, the rules judge the path as it is.
 */
function addCaseFolded(found: CheckedForm[]): void {
  const unfolded = found.length;
  for (let k = 0; k < unfolded; k++) {
    const { form, flags, from } = found[k]!;
    const folds = [form.toLowerCase(), form.toUpperCase()];
    for (let f = 0; f < folds.length; f++) {
      const folded = folds[f]!;
      if (folded === form || found.some((c) => c.form === folded)) continue;
      found.push({ form: folded, flags, from: [...from, form] });
    }
  }
}

// The normalized sink path, computed at most once per check and only when needed.
let memoPath = '';
let memoNormalized = '.';
function normalizedPath(path: string): string {
  if (path !== memoPath) {
    memoNormalized = normalizePosixPath(path);
    memoPath = path;
  }
  return memoNormalized;
}

function detection(input: UserInput, rule: string, reason: string): Detection {
  return { kind: 'path_traversal', input, rule, reason };
}

/**
 * Flags `path` when a user input (or a decoded form of it) holds a NUL byte that
 * reaches the path, makes it absolute, or adds `..` segments that leave the directory
 * the app put the input under. Pure, never throws; cheap when inputs are plain names.
 */
export function detectPathTraversal(
  path: string,
  inputs: readonly UserInput[],
  options?: PathDetectOptions,
): Detection | undefined {
  if (path.length === 0 || inputs.length === 0) return undefined;
  const checks = pathChecksOf(inputs);
  for (let i = 0; i < checks.inputs.length; i++) {
    const input = checks.inputs[i]!;
    if (spend(path.length)) return budgetExceeded('path_traversal', input);
    const forms = checks.forms[i]!;
    for (let k = 0; k < forms.length; k++) {
      const found = checkForm(path, forms[k]!, input, options);
      if (found !== undefined) return found;
    }
  }
  if (checks.edgeDot.some(Boolean)) {
    const giver = assembledEscape(path, checks.texts, checks.edgeDot);
    if (giver !== -1) return detection(checks.inputs[giver]!, PATH_RULES.traversal, ASSEMBLED);
    const joined = joinedInputsEscape(path, checks.inputs);
    if (joined !== undefined) return joined;
  }
  return undefined;
}

/**
 * Two inputs the app joined around its own `.` and then normalized
 * (``path.join(base, `${name}.${ext}`)`` with name `.` and ext `/secret.txt`): neither holds
 * `..`, and the normalized path no longer shows where they met (assembled.ts needs the path
 * as written). The app's `.` makes a `..` segment only after an input that is `.` or ends in
 * `/.`, followed by an input starting with `/`; each such pair is joined and judged like one
 * input whose tail the path must hold after the climb. There is no cap on pairs an attacker
 * could pad past: each join is charged to the check budget, which refuses when spent (benign
 * values are rarely such heads, so benign checks try few pairs). Only this join: with nothing
 * or a `/` between them (`${dir}${file}`, `.` and `./notes`), the normalized result is also
 * what the benign `path.join(base, dir, file)` gives, so it stays a limit
 * (docs/path-traversal.md).
 */
function joinedInputsEscape(path: string, inputs: readonly UserInput[]): Detection | undefined {
  for (let a = 0; a < inputs.length; a++) {
    const head = inputs[a]!.value;
    if (typeof head !== 'string' || !endsWithDotSegment(head)) continue;
    for (let b = 0; b < inputs.length; b++) {
      const tail = inputs[b]!.value;
      if (b === a || typeof tail !== 'string' || tail.charCodeAt(0) !== SLASH) continue;
      const joined = `${head}.${tail}`;
      if (spend(path.length + joined.length)) return budgetExceeded('path_traversal', inputs[a]!);
      if (escapeReason(path, joined, AS_SENT) !== undefined) return detection(inputs[a]!, PATH_RULES.traversal, JOINED);
    }
  }
  return undefined;
}

/** `.` or ending in `/.`: one more `.` after it makes a `..` segment. */
function endsWithDotSegment(value: string): boolean {
  return value === '.' || (value.length >= 2 && value.charCodeAt(value.length - 1) === DOT && value.charCodeAt(value.length - 2) === SLASH);
}

const ASSEMBLED = "inputs together make a '..' segment that leaves the directory they were put under";
const JOINED = "inputs joined by the app make a '..' segment that climbs above the directory they were put under";
const TRUNCATED = "a prefix of the input (the app cut it) climbs above the directory it is joined to";
const TRUNCATED_ABSOLUTE = 'a prefix of the input (the app cut it) chooses an absolute file path';

/** Whether any of `inputs` can do anything to a path: when none can, no path is checked. */
export function mayAffectPaths(inputs: readonly UserInput[]): boolean {
  return inputs.length > 0 && pathChecksOf(inputs).inputs.length > 0;
}

/** The inputs of an array that can do anything to a path, with their forms (most have none). */
interface PathChecks {
  readonly inputs: UserInput[];
  readonly forms: (readonly CheckedForm[])[];
  /** The texts of each input's forms, and whether one can give a dot to a `..` (assembled.ts). */
  readonly texts: (readonly string[])[];
  readonly edgeDot: boolean[];
}

/**
 * Kept per inputs array: every file operation of a request then touches one summary, not
 * every input (a file operation is cheap, and each object read after its system call costs
 * a cache and TLB miss).
 */
function pathChecksOf(inputs: readonly UserInput[]): PathChecks {
  const row = checksMemo.rowFor(inputs);
  if (row.summaryFits(inputs)) return row.summary as PathChecks;
  const checks: PathChecks = { inputs: [], forms: [], texts: [], edgeDot: [] };
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const forms = checksOf(row, i, input, input.value);
    if (forms.length === 0) continue;
    const siblings = lessDecodedSiblings(inputs, i);
    checks.inputs.push(input);
    checks.forms.push(siblings.length === 0 ? forms : forms.map((f) => ({ form: f.form, flags: f.flags, from: [...siblings, ...f.from] })));
    checks.texts.push(forms.map((f) => f.form));
    checks.edgeDot.push(forms.some((f) => (f.flags & EDGE_DOT) !== 0));
  }
  row.summary = checks;
  row.summaryOf = inputs.slice();
  return checks;
}

/** How many inputs before one are looked at for the value it was decoded from. */
const MAX_SIBLINGS = 4;

/**
 * The request context adds an input's percent-decoded forms as inputs of their own, right
 * after it, with the same source and name (context/decode.ts): those earlier values are the
 * texts this one was decoded from, and a path holding one of them verbatim was not decoded.
 */
function lessDecodedSiblings(inputs: readonly UserInput[], i: number): string[] {
  const input = inputs[i]!;
  const found: string[] = [];
  for (let j = i - 1; j >= 0 && j >= i - MAX_SIBLINGS; j--) {
    const before = inputs[j]!;
    if (before.source !== input.source || before.path !== input.path) break;
    if (before.value.indexOf('%') !== -1) found.push(before.value);
  }
  return found;
}

function checkForm(path: string, checked: CheckedForm, input: UserInput, options: PathDetectOptions | undefined): Detection | undefined {
  const { form, flags, from } = checked;
  if ((flags & NUL) !== 0 && nulReachesPath(path, form)) {
    return detection(input, PATH_RULES.nulByte, 'input puts a NUL byte into the file path');
  }
  // When the input chooses where the path starts, the absolute rule and its allowed
  // roots decide alone: `..` inside it only changes which absolute path it chose.
  if ((flags & ABSOLUTE) !== 0 && controlsStart(path, form)) {
    if (underAllowedRoot(path, options)) return undefined;
    return detection(input, PATH_RULES.absolute, 'input chooses an absolute file path');
  }
  if ((flags & DOTDOT_SEGMENT) !== 0) {
    const escaped = escapeReason(path, form, from);
    if (escaped !== undefined) {
      return detection(input, PATH_RULES.traversal, escaped);
    }
  }
  // The app may have cut the input (`name.slice(0, 20)`): only when it is not in the path
  // whole, and not when a text it was decoded from is (the app did not decode it).
  if ((flags & (ABSOLUTE | DOTDOT_SEGMENT)) !== 0 && indexOfLinear(path, form, 0) === -1 && !anyIn(path, from)) {
    const absolute = (flags & ABSOLUTE) !== 0;
    if (truncatedPrefixClimbs(normalizedPath(path), form, absolute)) {
      if (!absolute) return detection(input, PATH_RULES.traversal, TRUNCATED);
      if (!underAllowedRoot(path, options)) return detection(input, PATH_RULES.absolute, TRUNCATED_ABSOLUTE);
    }
  }
  return undefined;
}

/** Does `path` hold any of `texts` verbatim? */
function anyIn(path: string, texts: readonly string[]): boolean {
  for (let i = 0; i < texts.length; i++) if (indexOfLinear(path, texts[i]!, 0) !== -1) return true;
  return false;
}

/**
 * A NUL counts only when the input brings it: an app that puts a NUL into its own
 * paths is buggy, not attacked. The part of the input from the segment holding the
 * NUL onwards must be in the path (`../../etc/passwd\0.png` is normalized by the app
 * before it reaches the sink, but `passwd\0.png` survives).
 */
function nulReachesPath(path: string, form: string): boolean {
  if (path.indexOf('\0') === -1) return false;
  const nulAt = form.indexOf('\0');
  const segStart = form.lastIndexOf('/', nulAt) + 1;
  return indexOfLinear(path, segStart === 0 ? form : form.slice(segStart), 0) !== -1;
}

/** Number of name segments of a normalized path (`/` has none, `/etc/passwd` two). */
function segmentCount(normalized: string): number {
  let count = 0;
  let inSegment = false;
  for (let i = 0; i < normalized.length; i++) {
    const isSlash = normalized.charCodeAt(i) === SLASH;
    if (!isSlash && !inSegment) count++;
    inSegment = !isSlash;
  }
  return count;
}

function sameDir(a: string, b: string): boolean {
  return a === b || a === b + '/' || b === a + '/';
}

/**
 * Does the absolute input `form` choose where the path starts? Either the path begins
 * with it verbatim, or (when the app resolved or normalized it) the normalized path
 * begins with the normalized input. A single-segment input (`/home`, `/app`) counts
 * only when it is the whole path: such values are common routes and coincide with
 * top-level directories of paths the app builds itself.
 */
function controlsStart(path: string, form: string): boolean {
  const at = indexOfLinear(path, form, 0);
  if (at > 0) return false; // under a directory the app chose (path.join(base, '/x'))
  const nf = normalizePosixPath(form);
  const np = normalizedPath(path);
  if (sameDir(np, nf)) return true;
  if (segmentCount(nf) < 2) return false;
  if (at === 0) return true; // verbatim prefix, possibly with a suffix glued on
  return np.length > nf.length && np.startsWith(nf) && (nf.endsWith('/') || np.charCodeAt(nf.length) === SLASH);
}

function underAllowedRoot(path: string, options: PathDetectOptions | undefined): boolean {
  const roots = options?.allowedRoots;
  if (roots === undefined || roots.length === 0) return false;
  const np = normalizedPath(path);
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i]!;
    if (root.charCodeAt(0) === SLASH && isWithinDir(normalizePosixPath(root), np)) return true;
  }
  return false;
}

/** True when the segment of `path` covering [s, e) is `..`. */
function isDotDot(path: string, s: number, e: number): boolean {
  return e - s === 2 && path.charCodeAt(s) === DOT && path.charCodeAt(s + 1) === DOT;
}

/** End of the segment of `path` that contains offset `i`. */
function segmentEnd(path: string, i: number): number {
  let e = i;
  while (e < path.length && path.charCodeAt(e) !== SLASH) e++;
  return e;
}

/** Does a `..` segment of `path` overlap [from, to)? */
function regionHasDotDot(path: string, from: number, to: number): boolean {
  let s = from;
  while (s > 0 && path.charCodeAt(s - 1) !== SLASH) s--;
  while (s < to) {
    const e = segmentEnd(path, s);
    if (e > from && isDotDot(path, s, e)) return true;
    s = e + 1;
  }
  return false;
}

/**
 * Why the input escapes (a sentence for the finding), or undefined. Two shapes:
 * - the input is in the path verbatim (`base + '/' + input`): the base is exactly the
 *   text before it, so compare the normalized path up to the input's end with it;
 * - the app normalized it away (`path.join(base, input)`, `path.resolve`): the base is
 *   unknown, so flag an input that climbs above its own start (`normalize(input)` starts
 *   with `..`) when what remains after the climb is what the path holds, i.e. the path
 *   is consistent with join(someBase, input). An input that climbs out and back in
 *   (`../uploads/x` under `uploads`) looks the same and is flagged too; an input that
 *   only climbs (`..`, `../..`) leaves no trace in the path and is flagged, since it has
 *   no benign use as a value and `rm`/`readdir` of a parent is exactly the attack.
 */
const CLIMBS_ONLY = "input is only '..' segments: it names a parent of the directory it is joined to";
const CLIMBS_OUT = "input climbs above the directory it is joined to with '..' segments";
const TOO_OFTEN = "input with '..' segments occurs too often in the path to inspect it (failing closed)";
const MAX_OCCURRENCES = 64;

function escapeReason(path: string, form: string, from: readonly string[]): string | undefined {
  const len = form.length;
  let at = indexOfLinear(path, form, 0);
  let sawDotDot = false;
  let period = 0; // made when a second occurrence is looked for
  for (let seen = 1; at !== -1; seen++) {
    // Each occurrence may normalize the path before it: bounded, so that a run of `../../…`
    // cannot make the check quadratic. No app pastes one such input this often.
    if (seen > MAX_OCCURRENCES) return TOO_OFTEN;
    // An absolute input at the start has no base: that is the absolute rule's call.
    const absoluteStart = at === 0 && form.charCodeAt(0) === SLASH;
    if (!absoluteStart && regionHasDotDot(path, at, at + len)) {
      sawDotDot = true;
      // `base/in` is under base; `base` + `/in` is under base itself; `base/img_` + `in`
      // glues onto a name, so the directory is the one before that name.
      const baseEnd = form.charCodeAt(0) === SLASH ? at : path.lastIndexOf('/', at - 1) + 1;
      const baseDir = normalizePosixPath(path.slice(0, baseEnd));
      const target = normalizePosixPath(path.slice(0, segmentEnd(path, at + len)));
      if (!isWithinDir(baseDir, target)) {
        return `input adds '..' segments that leave the directory ${baseDir}`;
      }
    }
    if (period === 0) period = smallestPeriod(form);
    at = nextOccurrence(path, form, at, period);
  }
  if (sawDotDot) return undefined; // the exact check above had its say
  // A text this form was decoded or folded from is in the path: the app used that text
  // (`base/%2e%2e/secret`), and the tail matching below would be the tail of it.
  if (from.length > 0 && anyIn(path, from)) return undefined;
  let start = 0;
  while (form.charCodeAt(start) === SLASH) start++; // join(base, '/../x') treats it as relative
  const nf = normalizePosixPath(start === 0 ? form : form.slice(start));
  let up = 0;
  while (isDotDot(nf, up * 3, segmentEnd(nf, up * 3))) up++;
  if (up === 0) return undefined;
  let rest = nf.slice(Math.min(up * 3, nf.length));
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest.length === 0) return CLIMBS_ONLY;
  const np = normalizedPath(path);
  let idx = indexOfLinear(np, rest, 0);
  const restPeriod = idx === -1 ? 0 : smallestPeriod(rest);
  while (idx !== -1) {
    if (idx === 0 || np.charCodeAt(idx - 1) === SLASH) return CLIMBS_OUT;
    idx = nextOccurrence(np, rest, idx, restPeriod);
  }
  return undefined;
}
