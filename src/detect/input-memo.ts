// Per-input data a detector derives from a value (traits, folded or decoded forms), kept
// across the checks of a request. The request context hands every check of a request the
// same inputs array holding the same immutable UserInput objects, so deriving it again for
// every query or file operation repeats the same work.
//
// Kept per inputs array, for the few arrays checked last, not in a WeakMap per input
// object: inserting fresh objects into a WeakMap costs around a microsecond each (V8 only
// clears dead keys on full GCs, so the table keeps growing), more than it saves. Lookups
// are identity checks; data is used only for the same input object at the same index with
// the same value, so an array or an input changed in place is derived afresh.

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

/** Arrays remembered: concurrent requests interleave their checks. */
const SLOTS = 8;

export class InputMemo<T> {
  private readonly lists: (readonly UserInput[])[] = [];
  private readonly rows: MemoRow<T>[] = [];
  private next = 0;

  /** The row of `inputs`; an array not seen lately gets an empty one (the oldest is dropped). */
  rowFor(inputs: readonly UserInput[]): MemoRow<T> {
    const lists = this.lists;
    for (let s = 0; s < lists.length; s++) if (lists[s] === inputs) return this.rows[s]!;
    const s = this.next;
    this.next = (s + 1) % SLOTS;
    const row = new MemoRow<T>();
    lists[s] = inputs;
    this.rows[s] = row;
    return row;
  }
}
