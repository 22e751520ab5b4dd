// A quick "this input is nowhere in the query" before its search forms are made
// (input-forms.ts). Most inputs of a large request (a 10,000-field form) occur in no query,
// and ruling each out through its forms costs an allocation-heavy derivation per distinct
// value: most of such a check's time, and the garbage behind it.
//
// Sound because of what every form shares. A form is the value, trimmed, with `<` `>`
// stripped, NFKC-normalized or case-folded, each maybe with its quotes escaped. Take the
// value's first MIN_PREFIX characters after its leading blanks, stopping at the first quote,
// backslash or non-ASCII character, and before an ASCII character that a non-ASCII one
// follows (NFKC composes `=` and U+0338 into `≠`). Up to there no transformation moves a
// character later (trim and strip only remove, folding maps ASCII letters one to one,
// escaping starts at the first quote or backslash), so each of those characters sits within
// the first MIN_PREFIX characters of every form's needle: inside any occurrence of the form
// and inside the head of every prefix of it that is followed (truncated-prefix.ts). A
// character there that is neither a letter nor a blank is also one that folding the query
// neither changes nor produces. So if the query lacks one, no form and no followed prefix of
// the input is in the query, in any case.

import { MIN_PREFIX } from '../truncated-prefix';

/**
 * ASCII characters that every form keeps as they are: not letters (folded), not blanks
 * (trimmed at the ends), not `<` `>` (stripped), not `'` `\` (escaped), not controls.
 */
const KEPT = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) KEPT[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) KEPT[c] = KEPT[c | 0x20] = 0;
for (const c of '<>\'\\') KEPT[c.charCodeAt(0)] = 0;

/**
 * The ASCII characters of the last query looked at, and that query: noted once per check
 * however long it is (noting it per input made a check of thousands of inputs against a
 * 200 KB query take seconds), and once per text across checks of a query the app repeats.
 */
const present = new Uint8Array(128);
let presentOf: string | undefined;
/** A query longer than this is let go when its check ends (releaseQueryChars), not kept until the next. */
const MAX_KEPT_QUERY = 1 << 16;

/** How many times a query's characters were noted (tests: once per check, not per input). */
let notings = 0;
export function queryCharsNoted(): number {
  return notings;
}

function noteCharsOf(query: string): void {
  if (query === presentOf) return;
  notings++;
  present.fill(0);
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c < 0x80) present[c] = 1;
  }
  presentOf = query;
}

/** At the end of a check: a long query is not kept alive until the next one. */
export function releaseQueryChars(): void {
  if (presentOf !== undefined && presentOf.length > MAX_KEPT_QUERY) presentOf = undefined;
}

/** True when the query lacks a character that every form of `value`, and every followed prefix, holds. */
export function headAbsentFrom(query: string, value: string): boolean {
  const n = value.length;
  let i = 0;
  while (i < n && (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09)) i++;
  const end = Math.min(n, i + MIN_PREFIX);
  let looked = false;
  for (; i < end; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80 || c === 0x27 || c === 0x5c) return false;
    if (KEPT[c] === 0) continue;
    if (i + 1 < n && value.charCodeAt(i + 1) >= 0x80) return false;
    if (!looked) {
      noteCharsOf(query);
      looked = true;
    }
    if (present[c] === 0) return true;
  }
  return false;
}
