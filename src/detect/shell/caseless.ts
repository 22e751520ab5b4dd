// What the shell detector needs to find an input whose case the app changed, made once per
// distinct value: most values recur from call to call (headers, common parameters), and the
// no-match path must not allocate per call.

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

const memo = new Map<string, CaselessForm | null>();
const MAX_MEMO = 1024;
const MAX_MEMO_LENGTH = 256;

/**
 * The value last seen at each input index, and its form: the same index usually holds the
 * same string from check to check, and comparing it is cheaper than hashing it.
 */
const RECENT = 64;
const recentValues: string[] = new Array<string>(RECENT).fill('');
const recentForms: (CaselessForm | null)[] = new Array<CaselessForm | null>(RECENT).fill(null);

/**
 * The caseless form of `value` (input index `k`), or undefined when it has no ASCII letter
 * (nothing to fold).
 */
export function caselessForm(value: string, k: number): CaselessForm | undefined {
  if (k < RECENT && recentValues[k] === value) return recentForms[k] ?? undefined;
  let form = memo.get(value);
  if (form === undefined) {
    form = make(value);
    if (value.length <= MAX_MEMO_LENGTH) {
      if (memo.size >= MAX_MEMO) memo.clear();
      memo.set(value, form);
    }
  }
  if (k < RECENT) {
    recentValues[k] = value;
    recentForms[k] = form;
  }
  return form ?? undefined;
}

function make(value: string): CaselessForm | null {
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
