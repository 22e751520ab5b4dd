// Flattens an untrusted value tree (parsed body, params, query object) into string inputs,
// iteratively and within a shared budget, so hostile shapes (10k-deep JSON, 100k keys)
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

export function walkInputs(root: unknown, source: InputSource, rootPath: string, budget: WalkBudget, out: UserInput[]): void {
  if (root === undefined || root === null) return;
  const stack: Pending[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (!addString(value, source, path, budget, out)) return;
      continue;
    }
    if (value === null || typeof value !== 'object') continue; // numbers and booleans carry no structure
    if (depth >= budget.maxDepth) {
      budget.truncated = true;
      continue;
    }
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) continue; // raw bodies are not parsed input
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i], path: join(path, String(i)), depth: depth + 1 });
        if (stack.length > budget.inputsLeft) break;
      }
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const childPath = join(path, key);
      // Keys matter when apps build column lists or paths from them; plain word keys cannot
      // change any structure, so only keys with other characters are inputs.
      if (!isPlainWord(key)) {
        if (!addString(key, source, childPath, budget, out)) return;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: childPath, depth: depth + 1 });
      if (stack.length > budget.inputsLeft) break;
    }
  }
}

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
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
    if (!word) return false;
  }
  return true;
}
