// What the detector searches the query for, per input: the input and, when it has a quote,
// its escaped forms, each with what decides how it is searched. Derived once per input and
// reused for every query of the request (input-memo.ts), so the common no-match check
// allocates nothing and mostly does not even fold the query.

import type { UserInput } from '../types';
import { InputMemo } from '../input-memo';
import { INDEXED_PAYLOAD, LONG_NEEDLE, indexOfLinear, nextOccurrence, smallestPeriod } from '../occurrences';
import { isAsciiLetter, isSqlSpace } from './chars';
import { HAS_QUOTE, LOWER, MIXED, foldCase } from './fold';
import { TruncationProbe } from '../truncated-prefix';

/** One text searched for: the input itself or one of its escaped forms. */
export class SearchForm {
  /** The text as the app would paste it. */
  readonly text: string;
  /** `traitsOf(text)`: escaping adds only quotes and backslashes, so every form has the input's. */
  readonly traits: number;
  /** Only whitespace: never judged. */
  readonly blank: boolean;
  /**
   * Longest run of ASCII non-letters (digits, punctuation, spaces) of a text with letters,
   * or undefined. Case folding never changes such characters and never produces them from
   * others (String#toLowerCase maps only letters and keeps every offset except for U+0130,
   * and `foldCase` falls back to ASCII-only folding then), so a query without the run cannot
   * hold the text in any case: checked on the query as it is, before folding it.
   */
  readonly anchor: string | undefined;
  // The needle and where it is searched from, made on the first search (most inputs are
  // ruled out by the anchor before that).
  private needleText: string | undefined = undefined;
  private skip = 0;
  private tail = '';
  private periodOfNeedle = -1;
  private probe: TruncationProbe | null | undefined = undefined;

  constructor(text: string) {
    let traits = 0;
    let blank = true;
    let best = 0;
    let bestAt = 0;
    let runAt = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x61 && c <= 0x7a) traits |= LOWER;
      else if (c >= 0x80 || (c >= 0x41 && c <= 0x5a)) traits |= MIXED;
      else if (c === 0x27) traits |= HAS_QUOTE;
      if (blank && !isSqlSpace(c)) blank = false;
      if (c < 0x80 && !isAsciiLetter(c)) continue; // extends the current run
      if (i - runAt > best) {
        best = i - runAt;
        bestAt = runAt;
      }
      runAt = i + 1;
    }
    if (text.length - runAt > best) {
      best = text.length - runAt;
      bestAt = runAt;
    }
    this.text = text;
    this.traits = traits;
    this.blank = blank;
    // Even one character (`@` of an e-mail address) is a sound and often decisive filter.
    const letters = (traits & (LOWER | MIXED)) !== 0;
    this.anchor = letters && best > 0 ? text.slice(bestAt, bestAt + best) : undefined;
  }

  /** What is searched for: the text, case-folded when it has upper-case or non-ASCII letters. */
  get needle(): string {
    return (this.needleText ??= this.prepare());
  }

  /** The needle's smallest period (occurrences.ts), made when a second occurrence is looked for. */
  get period(): number {
    if (this.periodOfNeedle < 0) this.periodOfNeedle = smallestPeriod(this.needle);
    return this.periodOfNeedle;
  }

  /**
   * How to look for the prefixes of the needle when the app may have cut the input
   * (truncated-prefix.ts), or undefined when they are not followed; made on first use.
   */
  get truncation(): TruncationProbe | undefined {
    if (this.probe === undefined) this.probe = TruncationProbe.of(this.needle, mayCarrySqlStructure, RANK) ?? null;
    return this.probe ?? undefined;
  }

  /** The occurrence after the one at `at`, in linear time over a whole scan. */
  nextIn(haystack: string, at: number): number {
    return nextOccurrence(haystack, this.needle, at, this.period, this);
  }

  /**
   * `haystack.indexOf(this.needle, from)`, faster. V8 looks for the needle's first character
   * and compares at each hit, so a needle starting with a letter common in SQL
   * (`shop.example.com` in a query full of `s`) restarts every few characters: over a
   * microsecond per KB. Searching from a rarer character of the needle, then checking the
   * few characters skipped, finds the same occurrences in the same order. After a few hits
   * without the right start (`abbb…` in `cbbb…`, where each restart would rescan), the plain
   * search takes over: never much slower than it.
   */
  indexIn(haystack: string, from: number): number {
    const needle = this.needle;
    const skip = this.skip;
    // A long payload (a bulk INSERT) may be indexed: indexOfLinear then looks only where the needle can be.
    if (skip === 0 || needle.length > LONG_NEEDLE || haystack.length >= INDEXED_PAYLOAD) return indexOfLinear(haystack, needle, from);
    let at = haystack.indexOf(this.tail, from + skip);
    for (let misses = 0; at !== -1; misses++) {
      if (haystack.startsWith(needle, at - skip)) return at - skip;
      if (misses === MAX_MISSES) return haystack.indexOf(needle, at - skip + 1);
      at = haystack.indexOf(this.tail, at + 1);
    }
    return -1;
  }

  private prepare(): string {
    const needle = (this.traits & MIXED) !== 0 ? foldCase(this.text) : this.text;
    let bestRank = -1;
    for (let i = 0; i < needle.length && i < MAX_SKIP; i++) {
      const c = needle.charCodeAt(i);
      const rank = c < 0x80 ? RANK[c]! : RARE;
      if (rank > bestRank) {
        this.skip = i;
        bestRank = rank;
      }
    }
    this.tail = this.skip === 0 ? needle : needle.slice(this.skip);
    return needle;
  }
}

/**
 * Whether a prefix of `text` could change a query's structure: it holds a quote, a comment
 * or statement delimiter, an operator character, a bracket, a backslash or a line break, or
 * two letters in a row (the shortest keywords: OR, IN, IS). Digits, dots, `@` and lone
 * letters (a number, a date, an address) cannot, and are not followed.
 */
export function mayCarrySqlStructure(text: string): boolean {
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 && STRUCTURE[c] === 1) return true;
    if (isAsciiLetter(c)) {
      if (++letters === 2) return true;
    } else {
      letters = 0;
    }
  }
  return false;
}

const STRUCTURE = new Uint8Array(128);
for (const c of '\'"`;-/#|&$()\n\r\\=<>*') STRUCTURE[c.charCodeAt(0)] = 1;

// Characters from most to least common in (lower-cased) SQL; unlisted ones count as rarest.
// A rough guide is enough: any choice finds the same occurrences.
const COMMON = " e_atsoirnlc,dm.u'()=p1h0g2yfb*3w5v49687k-x";
const RARE = COMMON.length;
const RANK = new Uint8Array(128).fill(RARE);
for (let i = 0; i < COMMON.length; i++) RANK[COMMON.charCodeAt(i)] = i;
/** How far into the needle a start is looked for: bounds the characters re-checked per hit. */
const MAX_SKIP = 8;
const MAX_MISSES = 8;

/**
 * Forms of long values, per inputs array: a request's checks share one array, so a long
 * body value is scanned for its forms once per request, not once per query.
 */
const longFormsMemo = new InputMemo<readonly SearchForm[]>();

/**
 * Forms of short values, by value, shared by all requests: most values recur from request to
 * request (the Host, User-Agent and Accept headers, common parameters), and a form depends
 * on its text alone. Bounded: emptied when full.
 */
const sharedForms = new Map<string, readonly SearchForm[]>();
const MAX_SHARED_FORMS = 1024;
const MAX_SHARED_LENGTH = 256;

/**
 * The short value last seen at each input index, and its forms. The same index usually
 * holds the same value from check to check and request to request (a client sends its
 * headers in the same order), and comparing two strings is cheaper than hashing a new one
 * for the map above, which showed in profiles under load.
 */
const RECENT = 64;
const recentValues: string[] = new Array<string>(RECENT).fill('');
const recentForms: (readonly SearchForm[])[] = new Array<readonly SearchForm[]>(RECENT).fill([]);

/**
 * The forms of `input` (index `k` of `inputs`) whose value is `value`: the input, then for an
 * input with a quote its quote-doubled and backslash-escaped forms.
 */
export function formsOf(inputs: readonly UserInput[], k: number, input: UserInput, value: string): readonly SearchForm[] {
  if (value.length > MAX_SHARED_LENGTH) {
    const row = longFormsMemo.rowFor(inputs);
    return row.get(k, input, value) ?? row.set(k, input, value, formsFor(value));
  }
  if (k < RECENT && recentValues[k] === value) return recentForms[k]!;
  let forms = sharedForms.get(value);
  if (forms === undefined) {
    forms = formsFor(value);
    if (sharedForms.size >= MAX_SHARED_FORMS) sharedForms.clear();
    sharedForms.set(value, forms);
  }
  if (k < RECENT) {
    recentValues[k] = value;
    recentForms[k] = forms;
  }
  return forms;
}

function formsFor(value: string): readonly SearchForm[] {
  const forms: SearchForm[] = [];
  for (const text of transformedTexts(value)) {
    const plain = new SearchForm(text);
    forms.push(plain);
    if ((plain.traits & HAS_QUOTE) === 0) continue;
    forms.push(new SearchForm(text.split("'").join("''")), new SearchForm(text.split('\\').join('\\\\').split("'").join("\\'")));
  }
  return forms;
}

/**
 * The input and what common transformations make of it before it reaches a query
 * (docs/sql.md, "Transformed input"): trimmed, with `<` and `>` stripped (HTML sanitizers),
 * NFKC-normalized (fullwidth quotes become `'`), and upper-cased then folded (`ı` and `ſ`
 * upper-case to ASCII `I` and `S`, `ß` to `SS`). Each costs one pass over the input, made
 * once per distinct value; most values have none of these traits and yield only themselves.
 */
export function transformedTexts(value: string): readonly string[] {
  let edgeBlank = false;
  let angle = false;
  let nonAscii = false;
  const n = value.length;
  if (n > 0) edgeBlank = isSqlSpace(value.charCodeAt(0)) || isSqlSpace(value.charCodeAt(n - 1));
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x3c || c === 0x3e) angle = true;
    else if (c >= 0x80) nonAscii = true;
  }
  if (!edgeBlank && !angle && !nonAscii) return [value];
  const texts = [value];
  const add = (text: string): void => {
    if (text.length > 0 && !texts.includes(text)) texts.push(text);
  };
  if (edgeBlank) add(value.trim());
  if (angle) add(value.split('<').join('').split('>').join(''));
  if (nonAscii) {
    const base = texts.slice();
    for (const text of base) {
      add(text.normalize('NFKC'));
      const folded = text.toUpperCase().toLowerCase();
      if (folded !== text.toLowerCase()) add(folded);
    }
  }
  return texts;
}
