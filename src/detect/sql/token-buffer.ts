// Tokens as three parallel typed arrays instead of objects: the detector tokenizes on the
// hot path, and a reused buffer makes that allocation-free after warm-up.

/** Numeric token kinds used inside the package (the public API maps them to strings). */
export const STRING = 1; // any string literal form, including blobs, bit strings, $$..$$
export const NUMBER = 2;
export const WORD = 3; // bare keyword or identifier
export const QUOTED_IDENT = 4; // "x", `x`, [x]
export const OPERATOR = 5; // operators and punctuation, including unknown characters
export const COMMENT = 6; // -- x, # x, /* x */
export const EXEC_COMMENT = 7; // MySQL `/*!50000` opener and its `*/` closer (content is code)
export const PARAMETER = 8; // $1, ?, ?1, :name, @name, $name
export const VARIABLE = 9; // MySQL @var, @@var

/**
 * Bit set on a kind when the token never closes: it runs to the end of the input, a NUL cuts
 * it short (PostgreSQL, SQLite), or a MySQL `/*!` never gets its closing `*` `/`.
 */
export const UNTERMINATED = 0x80;
export const KIND_MASK = 0x7f;

export class TokenBuffer {
  kinds: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  count = 0;
  /** Start offset of the first unterminated token, or -1 when everything closed. */
  unterminatedAt = -1;

  constructor(capacity = 256) {
    this.kinds = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  get capacity(): number {
    return this.kinds.length;
  }

  /** Whether the query's parentheses balance: -1 not known yet, 0 no, 1 yes (judge.ts). */
  balanced = -1;

  /** The bare word USER reads the session user (PostgreSQL); elsewhere it is an ordinary name. Set by lexInto. */
  userIsFunction = false;

  reset(): void {
    this.count = 0;
    this.unterminatedAt = -1;
    this.balanced = -1;
  }

  push(kind: number, start: number, end: number): void {
    if (this.count === this.kinds.length) this.grow();
    const i = this.count++;
    this.kinds[i] = kind;
    this.starts[i] = start;
    this.ends[i] = end;
  }

  pushUnterminated(kind: number, start: number, end: number): void {
    this.push(kind | UNTERMINATED, start, end);
    if (this.unterminatedAt < 0) this.unterminatedAt = start;
  }

  /** Marks an already pushed token as unterminated (MySQL executable comment openers). */
  markUnterminated(index: number): void {
    this.kinds[index] |= UNTERMINATED;
    const start = this.starts[index];
    if (this.unterminatedAt < 0 || start < this.unterminatedAt) this.unterminatedAt = start;
  }

  kindAt(i: number): number {
    return this.kinds[i] & KIND_MASK;
  }

  isUnterminated(i: number): boolean {
    return (this.kinds[i] & UNTERMINATED) !== 0;
  }

  private grow(): void {
    const size = this.kinds.length * 2;
    const kinds = new Uint8Array(size);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    kinds.set(this.kinds);
    starts.set(this.starts);
    ends.set(this.ends);
    this.kinds = kinds;
    this.starts = starts;
    this.ends = ends;
  }
}
