// The SQL injection detector: find each input in the query, tokenize the query once, and judge
// every occurrence (see judge.ts). Pure: no Node imports, no I/O, never throws on strings.

import type { Detection, UserInput } from '../types';
import { budgetExceeded, budgetRanOut, spend } from '../budget';
import { indexOfLinear, searchCost } from '../occurrences';
import { TokenBuffer } from './token-buffer';
import { SqlDialect, distinguishingChars, lexInto } from './tokenize';
import { ListMemo, judgeOccurrence } from './judge';
import { REASONS, RULES, SqlRule } from './rules';
import { LOWER, MIXED, foldCase } from './fold';
import { isAsciiAlnum, isSqlSpace } from './chars';
import { SearchForm, formsOf } from './input-forms';
import { headAbsentFrom, releaseQueryChars } from './absent-head';
import type { AppTextMemory } from '../app-text';
import { findTruncatedPrefixes, mayHoldHead, prefixEnds, prefixStarts, prefixWork } from '../truncated-prefix';

export interface SqlDetectOptions {
  /**
   * Database admin tools legitimately send whole queries typed by the user; with this set an
   * input equal to the entire (trimmed) query is trusted instead of reported. Default false.
   */
  readonly allowFullQueryInput?: boolean;
  /**
   * Queries the app sent without any input in them (app-text.ts). A query found there is the
   * app's own text: an occurrence of an input in it is a coincidence, not a finding. Queries
   * checked here without any occurrence are added to it.
   */
  readonly appTexts?: AppTextMemory;
  /** Whether a query without any occurrence is added to `appTexts` (default true). */
  readonly learn?: boolean;
  /**
   * Other ways the server may read the query (a session mode rampart could not learn: the
   * server's global default). When an input occurs in the query and the query holds a
   * character those readings lex differently (`\\`, `"`), the query is judged under each of
   * them too, and an input that changes the structure under any reading is reported.
   */
  readonly alsoAs?: readonly SqlDialect[];
}

/** Forms of one input whose prefixes are followed (a bit each; inputs have at most about 18 forms). */
const MAX_CUT_FORMS = 30;

/**
 * Work units charged per occurrence judged (budget.ts). A judged occurrence costs about 40 ns,
 * some 80 scanned characters' worth (benchmarks/micro/large-request.js, 2026-12-07 stop 23);
 * at 8 units a query full of periodic inputs ran 4-5 times as long as its request before the
 * budget stopped it. 32 brings it under the slowest scanning shape, and a benign bulk
 * statement (thousands of occurrences) still spends under 1 % of the default budget on them.
 */
const OCCURRENCE_UNITS = 32;

/** A buffer grown past this many tokens by a huge query is dropped after the call. */
const MAX_RETAINED_TOKENS = 1 << 16;

/**
 * The last query folded, kept across calls: apps run the same query text many times (a
 * parameterized query in a loop, in every request), so folding allocates once per text,
 * not once per call. Queries longer than this are folded per call and not retained.
 */
const MAX_RETAINED_FOLD = 1 << 16;
const lastFold = { query: '', folded: '' };

/**
 * Which query (and dialect) the tokens in `call.buf` are of. A route sends the same text
 * request after request (`... WHERE name = 'user42'` for the same user, a parameterized
 * query whose text holds an input by coincidence), and tokenizing it again was the largest
 * part of a check on such a route; comparing the text costs far less. Kept like lastFold.
 */
const lastLexed = { query: '', dialect: 'sqlite' as SqlDialect };

/**
 * State of the current call, kept in one reused object so that the no-match path allocates
 * nothing per call (the detector is synchronous and never re-entered).
 */
const call = {
  query: '',
  dialect: 'sqlite' as SqlDialect,
  folded: undefined as string | undefined, // the query lower-cased, made once when first needed
  tokenized: false,
  buf: new TokenBuffer(256),
  memo: { from: -1, to: -1 } as ListMemo,
  suspect: undefined as UserInput | undefined, // first input found, blamed if unterminated
  culprit: undefined as UserInput | undefined, // first input found at or after the broken token
  found: false, // some input occurs in the query (in any of its forms)
  hit: false, // the input being checked occurs in the query (in any of its forms)
  qs: 0, // the query without surrounding whitespace is query[qs, qe)
  qe: 0,
};

/**
 * Reports the first input that changes the token structure of `query`, or undefined.
 * `inputs` are already decoded variants, each its own UserInput.
 */
export function detectSqlInjection(
  query: string,
  inputs: readonly UserInput[],
  dialect: SqlDialect,
  options?: SqlDetectOptions,
): Detection | undefined {
  const found = detectIn(query, inputs, dialect, options);
  const also = options?.alsoAs;
  if (found !== undefined || also === undefined || !call.found) return found;
  // Only a query with an input in it and a mode-dependent character is judged again: the
  // no-match path and ordinary queries cost nothing more.
  for (let a = 0; a < also.length; a++) {
    const other = also[a]!;
    if (!holdsAny(query, distinguishingChars(dialect, other))) continue;
    const elsewhere = detectIn(query, inputs, other, { ...options, learn: false });
    if (elsewhere !== undefined) return elsewhere;
  }
  return undefined;
}

function holdsAny(query: string, chars: string): boolean {
  for (let k = 0; k < chars.length; k++) if (query.indexOf(chars[k]!) !== -1) return true;
  return false;
}

/** One reading of the query. Leaves `call.found` saying whether any input occurred in it. */
function detectIn(query: string, inputs: readonly UserInput[], dialect: SqlDialect, options?: SqlDetectOptions): Detection | undefined {
  call.found = false;
  if (typeof query !== 'string' || query.length === 0 || !inputs || inputs.length === 0) return undefined;
  const n = query.length;
  let qs = 0; // the query without surrounding whitespace is query[qs, qe)
  let qe = n;
  while (qs < qe && isSqlSpace(query.charCodeAt(qs))) qs++;
  while (qe > qs && isSqlSpace(query.charCodeAt(qe - 1))) qe--;
  call.query = query;
  call.qs = qs;
  call.qe = qe;
  call.dialect = dialect;
  call.folded = undefined;
  call.tokenized = false;
  call.suspect = undefined;
  call.culprit = undefined;
  call.found = false;
  cuts.count = 0;
  const appTexts = options?.appTexts;
  try {
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k];
      const value = input?.value;
      if (typeof value !== 'string') continue;
      const m = value.length;
      if (m === 0 || (m === 1 && isInert(value.charCodeAt(0)))) continue;
      if (isWholeQuery(query, qs, qe, value)) {
        call.found = true;
        if (options?.allowFullQueryInput) continue;
        return detection(input, RULES.fullQuery);
      }
      // An input longer than the query can only be in it cut (a prefix, judgeTruncated).
      const longer = m > n;
      // The input's own length is charged too: preparing its search forms and looking up its
      // character pairs visit every character of it, whatever the payload's length.
      if (spend((longer ? 0 : searchCost(query)) + m)) return budgetExceeded('sql_injection', input);
      // Most inputs of a large request are in no query: ruled out before their forms are made.
      if (headAbsentFrom(query, value)) continue;
      // A careful app escapes quotes before pasting; the escaped text must then sit inside one
      // literal. Escaping meant for another dialect (doubling quotes for MySQL, where `\'`
      // then closes nothing) leaves an injection that only the escaped form reveals. So an
      // input with a quote is also searched for in its two escaped forms (input-forms.ts).
      const forms = formsOf(inputs, k, input, value);
      let rule: SqlRule | undefined;
      call.hit = false;
      let cut = 0; // forms whose prefixes are followed (bit f) if the input occurs nowhere
      for (let f = 0; f < forms.length && rule === undefined; f++) {
        const form = forms[f]!;
        const probe = form.truncation;
        if (probe !== undefined) {
          // One scan for a character of the form's head rules out the form and its prefixes.
          if (!mayHoldHead(query, probe)) continue;
          cut |= f < MAX_CUT_FORMS ? 1 << f : 0;
        }
        if (!longer) rule = judgeText(input, form);
      }
      // An input that occurs nowhere may have been cut by the app: its prefixes are judged
      // once every input was looked for whole, so an input that is in the query is the one
      // blamed rather than another whose prefix spells it (a decoded `user:password`).
      if (rule === undefined && cut !== 0 && !call.hit) deferCut(k, forms, cut);
      // Occurrences left unjudged when the budget ran out: not cleared, so not allowed.
      if (rule === undefined && budgetRanOut()) return budgetExceeded('sql_injection', input);
      if (rule !== undefined) return appTexts?.knows(query) ? undefined : detection(input, rule);
    }
    for (let d = 0; d < cuts.count; d++) {
      const input = inputs[cuts.input[d]!]!;
      const rule = judgeTruncated(input, cuts.forms[d]!, cuts.mask[d]!);
      if (rule === undefined && budgetRanOut()) return budgetExceeded('sql_injection', input);
      if (rule !== undefined) return appTexts?.knows(query) ? undefined : detection(input, rule);
    }
    // Fail closed: the database runs what comes before the broken part.
    const blamed = call.culprit ?? call.suspect;
    if (blamed !== undefined) return appTexts?.knows(query) ? undefined : detection(blamed, RULES.unterminated);
    if (!call.found && options?.learn !== false) appTexts?.remember(query);
    return undefined;
  } finally {
    call.query = '';
    call.folded = undefined;
    releaseQueryChars();
    call.suspect = undefined;
    call.culprit = undefined;
    cuts.forms.fill(undefined, 0, cuts.count);
    if (call.buf.capacity > MAX_RETAINED_TOKENS) {
      call.buf = new TokenBuffer(256);
      lastLexed.query = '';
    }
  }
}

/** Finds `form` (the input or an escaped form of it) in the query and judges each occurrence. */
function judgeText(input: UserInput, form: SearchForm): SqlRule | undefined {
  if (form.blank) return undefined;
  const query = call.query;
  let haystack = query;
  if ((form.traits & (LOWER | MIXED)) !== 0) {
    // Most inputs are in no query: rule that out on the query as it is when possible.
    if (form.anchor !== undefined && indexOfLinear(query, form.anchor, 0) === -1) return undefined;
    haystack = call.folded ??= foldedQuery(query);
  }
  let at = form.indexIn(haystack, 0);
  if (at === -1) return undefined;
  const len = form.needle.length;
  const typed = trimmedLength(form.text);
  tokenizeOnce();
  call.memo.from = -1;
  call.memo.to = -1;
  do {
    const rule = judgeAt(input, at, at + len, typed);
    if (rule !== undefined || budgetRanOut()) return rule;
    at = form.nextIn(haystack, at);
  } while (at !== -1);
  return undefined;
}

/**
 * For an input that occurs nowhere in the query in any form: the prefixes of its forms that
 * the query holds, judged like occurrences (the app cut the input; docs/sql.md, "Truncated
 * input"). Only the prefixes truncated-prefix.ts finds: maximal, at least MIN_PREFIX long,
 * at a bounded number of places.
 */
/** Inputs found nowhere whose prefixes are judged after the whole-input pass (reused arrays). */
const cuts = { count: 0, input: [] as number[], forms: [] as (readonly SearchForm[] | undefined)[], mask: [] as number[] };

function deferCut(k: number, forms: readonly SearchForm[], mask: number): void {
  const d = cuts.count++;
  cuts.input[d] = k;
  cuts.forms[d] = forms;
  cuts.mask[d] = mask;
}

function judgeTruncated(input: UserInput, forms: readonly SearchForm[], cut: number): SqlRule | undefined {
  const query = call.query;
  for (let f = 0; f < forms.length && f < MAX_CUT_FORMS; f++) {
    const form = forms[f]!;
    const probe = form.truncation;
    if (probe === undefined || (cut & (1 << f)) === 0) continue;
    const haystack = (form.traits & (LOWER | MIXED)) !== 0 ? (call.folded ??= foldedQuery(query)) : query;
    if (spend(searchCost(haystack))) return undefined; // the caller sees budgetRanOut()
    const count = findTruncatedPrefixes(haystack, form.needle, probe);
    if (count === 0) continue;
    if (spend(prefixWork())) return undefined;
    tokenizeOnce();
    call.memo.from = -1;
    call.memo.to = -1;
    for (let c = 0; c < count; c++) {
      const s = prefixStarts[c]!;
      const e = prefixEnds[c]!;
      // A cut the app pasted leaves its own text around it; a prefix that is the whole query
      // is an input that begins like the query (SQL typed into a search box), not a cut.
      if (s <= call.qs && e >= call.qe) continue;
      const rule = judgeAt(input, s, e, trimmedLength(query.slice(s, e)));
      if (rule !== undefined || budgetRanOut()) return rule;
    }
  }
  return undefined;
}

/** Tokenizes the current query, once per call (and not again for the text lexed last). */
function tokenizeOnce(): void {
  if (call.tokenized) return;
  const query = call.query;
  if (query !== lastLexed.query || call.dialect !== lastLexed.dialect) {
    lastLexed.query = ''; // not the tokens of any query until the lexer is done
    lexInto(query, call.dialect, call.buf);
    if (query.length <= MAX_RETAINED_FOLD) lastLexed.query = query;
    lastLexed.dialect = call.dialect;
  }
  call.tokenized = true;
}

/** Judges the occurrence query[s, e) of `input` (`typed`: its length without edge blanks). */
function judgeAt(input: UserInput, s: number, e: number, typed: number): SqlRule | undefined {
  call.found = true;
  call.hit = true;
  // Judging an occurrence (finding its tokens, classifying them) costs several scanned
  // characters' worth; a periodic input found all over a long query is judged at every
  // period, so the occurrences must be charged, not only the scan that found the first.
  if (spend(OCCURRENCE_UNITS)) return undefined; // the caller sees budgetRanOut()
  const buf = call.buf;
  const rule = judgeOccurrence(call.query, buf, s, e, typed, call.memo);
  if (rule !== undefined) return rule;
  if (buf.unterminatedAt >= 0) {
    call.suspect ??= input;
    if (call.culprit === undefined && e > buf.unterminatedAt) call.culprit = input;
  }
  return undefined;
}

function foldedQuery(query: string): string {
  if (query === lastFold.query) return lastFold.folded;
  const folded = foldCase(query);
  if (query.length <= MAX_RETAINED_FOLD) {
    lastFold.query = query;
    lastFold.folded = folded;
  }
  return folded;
}

function detection(input: UserInput, rule: SqlRule): Detection {
  return { kind: 'sql_injection', input, rule, reason: REASONS[rule] };
}

/** The length of `value` without the blanks around it. */
function trimmedLength(value: string): number {
  let vs = 0;
  let ve = value.length;
  while (vs < ve && isSqlSpace(value.charCodeAt(vs))) vs++;
  while (ve > vs && isSqlSpace(value.charCodeAt(ve - 1))) ve--;
  return ve - vs;
}

/** A one-character letter, digit or space cannot change a token sequence on its own. */
function isInert(c: number): boolean {
  return isAsciiAlnum(c) || isSqlSpace(c);
}

/**
 * Whether the input, trimmed, is the whole query (`query[qs, qe)`, already trimmed). Cheap
 * when it is not: only the whitespace at both ends of the input is visited before the
 * lengths differ.
 */
function isWholeQuery(query: string, qs: number, qe: number, value: string): boolean {
  let vs = 0;
  let ve = value.length;
  while (vs < ve && isSqlSpace(value.charCodeAt(vs))) vs++;
  while (ve > vs && isSqlSpace(value.charCodeAt(ve - 1))) ve--;
  if (qe - qs !== ve - vs || qe === qs) return false;
  for (let k = 0; k < qe - qs; k++) {
    if (query.charCodeAt(qs + k) !== value.charCodeAt(vs + k)) return false;
  }
  return true;
}
