// Flattens an untrusted value tree (parsed body, params, query object) into string inputs,
// iteratively (no recursion) and within a shared budget, so hostile shapes (10k-deep JSON, 100k keys)
// cost bounded time and never recurse. Reads own enumerable keys only: nothing is ever
// assigned by an untrusted key, so `__proto__` keys cannot pollute anything.
import type { InputSource, UserInput } from '../detect/types';
import { addWithDecodedVariants } from './decode';

export interface WalkBudget {
  readonly maxDepth: number;
  /** Inputs still allowed for this request. */
  inputsLeft: number;
  /** String bytes (UTF-16 code units) still allowed for this request. */
  bytesLeft: number;
  /** Set when any limit cut the walk short. */
  truncated: boolean;
}

interface Pending {
  readonly value: unknown;
  readonly path: string;
  readonly depth: number;
}

/**
 * Adds every string of `root` (and keys that are not plain words) to `out`. Strings in
 * `skip` were collected already (a framework's re-parse of the query string) and are left
 * out. Breadth first, so when a limit cuts the walk, the top-level fields are the ones
 * kept; only containers are queued, strings are added as their container is read.
 */
export function walkInputs(root: unknown, source: InputSource, rootPath: string, budget: WalkBudget, out: UserInput[], skip?: ReadonlySet<string>): void {
  if (root === undefined || root === null) return;
  if (typeof root === 'string') {
    if (skip === undefined || !skip.has(root)) addString(root, source, rootPath, budget, out);
    return;
  }
  if (typeof root !== 'object') return; // numbers and booleans carry no structure
  const queue: Pending[] = [{ value: root, path: rootPath, depth: 0 }];
  for (let head = 0; head < queue.length; head++) {
    const { value, path, depth } = queue[head]!;
    queue[head] = EMPTY; // let visited containers go
    if (depth >= budget.maxDepth) {
      budget.truncated = true;
      continue;
    }
    if (ArrayBuffer.isView(value)) continue; // Buffers and typed arrays: raw bytes, not parsed input
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (typeof child === 'string') {
          if ((skip === undefined || !skip.has(child)) && !addString(child, source, join(path, String(i)), budget, out)) return;
        } else if (child !== null && typeof child === 'object') {
          if (queue.length - head > budget.inputsLeft) {
            budget.truncated = true;
            break;
          }
          queue.push({ value: child, path: join(path, String(i)), depth: depth + 1 });
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
        if (queue.length - head > budget.inputsLeft) {
          budget.truncated = true;
          break;
        }
        queue.push({ value: child, path: childPath, depth: depth + 1 });
      }
    }
  }
}

const EMPTY: Pending = { value: undefined, path: '', depth: 0 };

/** Adds one string (and its decoded forms); false when the budget is spent. */
export function addString(value: string, source: InputSource, path: string, budget: WalkBudget, out: UserInput[]): boolean {
  if (value.length === 0) return true;
  if (budget.inputsLeft <= 0 || budget.bytesLeft < value.length) {
    budget.truncated = true;
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
