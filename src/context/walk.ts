// Flattens an untrusted value tree (parsed body, params, query object) into string inputs,
// iteratively (no recursion, no depth cut-off: a value nested 10,000 levels deep is an
// input like any other), in time linear in the tree. Reads own enumerable keys only:
// nothing is ever assigned by an untrusted key, so `__proto__` keys cannot pollute anything.
//
// The only bounds are memory bounds (inputs kept, text kept), far above what real apps
// receive. Reaching one is never a silent cut: the budget records where it happened and
// the guard refuses (block mode) or reports (monitor mode) every later sink call of the
// request under the rule `rampart.input-limit` (see guard.ts).
import type { InputSource, UserInput } from '../detect/types';
import { addWithDecodedVariants } from './decode';

/** Where a request's inputs first went past a memory bound. */
export interface InputLimitHit {
  readonly bound: 'maxInputs' | 'maxBytes';
  readonly source: InputSource;
  readonly path: string;
}

export interface WalkBudget {
  /** Inputs still allowed for this request (a memory bound). */
  inputsLeft: number;
  /** String length (UTF-16 code units) still allowed for this request (a memory bound). */
  bytesLeft: number;
  /** Set when a bound was reached; sticky for the request. */
  exceeded: InputLimitHit | undefined;
}

/** Records that `source`/`path` did not fit; the first hit is the one reported. */
export function exceed(budget: WalkBudget, bound: InputLimitHit['bound'], source: InputSource, path: string): void {
  budget.exceeded ??= { bound, source, path };
}

/**
 * Whether `length` more characters of one value fit the request's text bound: a source
 * asks before it builds a large value (joins a WebSocket message's fragments) and drops
 * it when not, the bound then recorded like any other (the request's sink calls refused).
 */
export function fitsBytes(budget: WalkBudget, length: number, source: InputSource, path: string): boolean {
  if (length <= budget.bytesLeft) return true;
  exceed(budget, 'maxBytes', source, path);
  return false;
}

interface Pending {
  readonly value: unknown;
  readonly path: string;
}

/**
 * Adds every string of `root` (and keys that are not plain words) to `out`. Strings in
 * `skip` were collected already (a framework's re-parse of the query string) and are left
 * out. Breadth first; only containers are queued, strings are added as their container is
 * read. Stops at a memory bound, recording it in the budget.
 */
export function walkInputs(root: unknown, source: InputSource, rootPath: string, budget: WalkBudget, out: UserInput[], skip?: ReadonlySet<string>): void {
  if (root === undefined || root === null) return;
  if (typeof root === 'string') {
    if (skip === undefined || !skip.has(root)) addString(root, source, rootPath, budget, out);
    return;
  }
  if (typeof root !== 'object') return; // numbers and booleans carry no structure
  const queue: Pending[] = [{ value: root, path: rootPath }];
  for (let head = 0; head < queue.length; head++) {
    const { value, path } = queue[head]!;
    queue[head] = EMPTY; // let visited containers go
    if (ArrayBuffer.isView(value)) continue; // Buffers and typed arrays: raw bytes, not parsed input
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (typeof child === 'string') {
          if ((skip === undefined || !skip.has(child)) && !addString(child, source, join(path, String(i)), budget, out)) return;
        } else if (child !== null && typeof child === 'object') {
          // Queued containers count against the input bound: an array of a million empty
          // arrays holds no string but would grow the queue without one.
          if (queue.length - head > budget.inputsLeft) return exceed(budget, 'maxInputs', source, join(path, String(i)));
          queue.push({ value: child, path: join(path, String(i)) });
        }
      }
      continue;
    }
    const keys = Object.keys(value as object);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const child = (value as Record<string, unknown>)[key];
      const isString = typeof child === 'string';
      const isContainer = !isString && child !== null && typeof child === 'object';
      // Keys matter when apps build column lists or paths from them; plain word keys cannot
      // change any structure, so only keys with other characters are inputs.
      const keyInput = !isPlainWord(key) && (skip === undefined || !skip.has(key));
      if (!isString && !isContainer && !keyInput) continue; // a number under a plain key: nothing to add
      const childPath = join(path, key);
      if (keyInput && !addString(key, source, childPath, budget, out)) return;
      if (isString) {
        if ((skip === undefined || !skip.has(child)) && !addString(child, source, childPath, budget, out)) return;
      } else if (isContainer) {
        if (queue.length - head > budget.inputsLeft) return exceed(budget, 'maxInputs', source, childPath);
        queue.push({ value: child, path: childPath });
      }
    }
  }
}

const EMPTY: Pending = { value: undefined, path: '' };

/** Adds one string (and its decoded forms); false (and the bound recorded) when a memory bound is reached. */
export function addString(value: string, source: InputSource, path: string, budget: WalkBudget, out: UserInput[]): boolean {
  if (value.length === 0) return true;
  if (budget.inputsLeft <= 0 || budget.bytesLeft < value.length) {
    exceed(budget, budget.inputsLeft <= 0 ? 'maxInputs' : 'maxBytes', source, path);
    return false;
  }
  budget.bytesLeft -= value.length;
  budget.inputsLeft -= addWithDecodedVariants(value, source, path, out);
  return true;
}

function join(path: string, key: string): string {
  return path.length === 0 ? key : `${path}.${key}`;
}

/** Letters, digits, `_` and `-` only: such a string cannot change any payload's structure on its own. */
export function isPlainWord(key: string): boolean {
  return isPlainWordAt(key, 0, key.length);
}

/** `isPlainWord(text.slice(from, to))` without making the slice. */
export function isPlainWordAt(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
    if (!word) return false;
  }
  return true;
}
