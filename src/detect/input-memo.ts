// Per-input data a detector derives from a value (traits, folded or decoded forms), kept
// across the checks of a request. The request context hands every check of a request the
// same inputs array holding the same immutable UserInput objects, so deriving it again for
// every query or file operation repeats the same work.
//
// Kept on the inputs array itself, so it lives exactly as long as the request's inputs.
// Not in a WeakMap: inserting a fresh key costs around a microsecond (V8 clears dead keys
// only on full GCs, so the table keeps growing), more than it saves. Not in module-level
// slots either (before stop 23): the last eight arrays checked stayed reachable after their
// requests ended, every value of up to eight request bodies pinned in an idle server. Data
// is used only for the same input object at the same index with the same value, so an
// array or an input changed in place is derived afresh.

import type { UserInput } from './types';

/** Data derived for the inputs of one array, by index (parallel arrays: no object per input). */
export class MemoRow<T> {
  private readonly inputs: (UserInput | undefined)[] = [];
  private readonly values: (string | undefined)[] = [];
  private readonly data: (T | undefined)[] = [];
  /**
   * A detector's summary of the whole array (which inputs need a look at all), so a check
   * of inputs that cannot matter touches two arrays instead of every input. Valid while
   * `summaryOf` holds the same input objects as the array (UserInput objects are never
   * changed in place; contexts hand out new ones).
   */
  summary: unknown = undefined;
  summaryOf: readonly UserInput[] = [];

  /** Whether the summary was made for exactly these input objects. */
  summaryFits(inputs: readonly UserInput[]): boolean {
    const of = this.summaryOf;
    if (of.length !== inputs.length || this.summary === undefined) return false;
    for (let i = 0; i < of.length; i++) if (of[i] !== inputs[i]) return false;
    return true;
  }

  /** What was derived for `input` at index `i` with this value, or undefined. */
  get(i: number, input: UserInput, value: string): T | undefined {
    return this.inputs[i] === input && this.values[i] === value ? this.data[i] : undefined;
  }

  set(i: number, input: UserInput, value: string, data: T): T {
    this.inputs[i] = input;
    this.values[i] = value;
    this.data[i] = data;
    return data;
  }
}

export class InputMemo<T> {
  /** The property of an inputs array that holds this memo's row (one key per memo). */
  private readonly key = Symbol('rampart.input-memo');

  /** The row of `inputs`; an array checked for the first time gets an empty one. */
  rowFor(inputs: readonly UserInput[]): MemoRow<T> {
    const held = (inputs as unknown as Record<symbol, MemoRow<T> | undefined>)[this.key];
    if (held !== undefined) return held;
    const row = new MemoRow<T>();
    // Not enumerable: the public detectors take the caller's own arrays. A frozen or sealed
    // array gets a row for this check only (its data derived afresh at each check).
    if (Object.isExtensible(inputs)) Object.defineProperty(inputs, this.key, { value: row });
    return row;
  }
}
