// What a detector derives from one input value, made once per distinct value: most values
// recur from call to call (headers, common parameters), and the no-match path must not
// allocate per call. The value last seen at each input index is compared first (the same
// index usually holds the same string from check to check, and comparing is cheaper than
// hashing), then a bounded map; values longer than MAX_LENGTH are derived each time and
// kept in neither (a request's long body value must not outlive the request).

const MAX_ENTRIES = 1024;
const MAX_LENGTH = 256;
const RECENT = 64;

export class ValueMemo<T> {
  private readonly memo = new Map<string, T>();
  private readonly recentValues: string[] = new Array<string>(RECENT).fill('');
  private readonly recentResults: (T | undefined)[] = new Array<T | undefined>(RECENT).fill(undefined);

  constructor(private readonly make: (value: string) => T) {}

  /** What `make` gives for `value`, the input at index `k` of its check. */
  of(value: string, k: number): T {
    if (k < RECENT && this.recentValues[k] === value) return this.recentResults[k] as T;
    let result = this.memo.get(value);
    if (result === undefined) {
      result = this.make(value);
      if (value.length <= MAX_LENGTH) {
        if (this.memo.size >= MAX_ENTRIES) this.memo.clear();
        this.memo.set(value, result);
      }
    }
    if (k < RECENT && value.length <= MAX_LENGTH) {
      this.recentValues[k] = value;
      this.recentResults[k] = result;
    }
    return result;
  }
}
