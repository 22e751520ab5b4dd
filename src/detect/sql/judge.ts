// Judging one occurrence of an input in a tokenized query (DESIGN.md section 3; Ray & Ligatti:
// input may only supply values). The occurrence is safe when, ignoring whitespace around it:
//  - it lies inside one string, number or placeholder token (all or part of it), or inside the
//    text of a comment the app wrote (not touching the comment's delimiters);
//  - it is part of a longer word or operator the app wrote (`name` in `username`);
//  - it is a list of literals `1, -2, 3` or `'a', 'b'` (IN lists, LIMIT 10, 20), strings whole;
//  - it is one word or quoted identifier, or a column reference `t.col` / `col DESC` /
//    `2 DESC` (ORDER BY slots, dynamic column names) -- unless it stands in a value slot.
// Identifier policy: a bare identifier is allowed anywhere except in a value slot, i.e. on
// the right of a comparison (`=`, `<>`, LIKE, ...) or inside `IN (...)`: there a column name
// makes `WHERE password = password`, true for every row, so it is reported (value keywords
// NULL, TRUE, FALSE, UNKNOWN, DEFAULT excepted). Elsewhere (left of a comparison, SELECT and
// ORDER BY lists) dynamic column names are common and a single word cannot add structure.
// Keywords count as words: a search for "select" must not trip over the app's SELECT.
// Everything else -- several tokens, an operator of two or more characters, a comment
// delimiter, an executable comment -- is an attack, named by the most severe token it covers.
// A single character (`,` `-` `*` `;`) alone cannot restructure a query and is allowed, except
// a MySQL `#`, which opens a comment by itself; blanks around it do not count.
// Two shapes of several tokens that only a user typing words or a fragment of the app's own
// SQL produces, and that cannot add an operation (docs/sql.md, "Phrases and fragments"):
//  - a phrase of keywords only (`group by`, `is null`, `insert into`), none of which joins
//    conditions or queries (OR, AND, XOR, UNION, INTERSECT, EXCEPT, MINUS): without an
//    identifier, literal or operator such a phrase cannot read or compare data; at worst it
//    makes the statement invalid;
//  - one literal or name with one `,` `(` `)` or `.` before or after it (`2)`, `name,`,
//    `u.`), the bracket only in a query whose brackets balance: the app writes balanced
//    text, so a lone bracket that left it balanced was the app's (one the input added would
//    unbalance it, and is reported).

import {
  COMMENT,
  EXEC_COMMENT,
  NUMBER,
  OPERATOR,
  PARAMETER,
  QUOTED_IDENT,
  STRING,
  TokenBuffer,
  VARIABLE,
  WORD,
} from './token-buffer';
import {
  isComparisonKeyword,
  isComparisonOperator,
  isPhraseKeyword,
  isSystemFunctionKeyword,
  isStructuralKeyword,
  isValueKeyword,
  tokenIs,
  tokenTextIs,
  wordIs,
} from './keywords';
import { RULES, SqlRule } from './rules';

/**
 * Per-input memo of a run of tokens already checked as a literal list, so that many
 * overlapping occurrences of a long list input cost linear time, not quadratic.
 */
export interface ListMemo {
  from: number;
  to: number;
}

/** Longest column reference accepted: db.schema.table.column plus ASC/DESC. */
const MAX_COLUMN_REF_TOKENS = 8;
/** How far back an `IN (` is looked for from a value inside the list. */
const MAX_IN_LIST_LOOKBACK = 64;

/** Returns the rule the occurrence q[s, e) breaks, or undefined when it is safe. */
export function judgeOccurrence(
  q: string,
  buf: TokenBuffer,
  s: number,
  e: number,
  inputLength: number,
  memo: ListMemo,
): SqlRule | undefined {
  // `inputLength` is the input's length without surrounding blanks: ` ; ` is one character.
  const i = firstTokenEndingAfter(buf, s);
  if (i >= buf.count || buf.starts[i] >= e) return undefined; // only whitespace
  if (i + 1 >= buf.count || buf.starts[i + 1] >= e) return judgeSingle(q, buf, i, s, e, inputLength);
  if (isLiteralList(q, buf, i, s, e, memo)) return undefined;
  const last = columnRefEnd(q, buf, i, e);
  if (last >= 0) {
    const named = buf.kindAt(i) !== NUMBER; // `2 DESC` names no column
    return named && inValueSlot(q, buf, i, last) ? RULES.valueIdentifier : undefined;
  }
  const end = lastTokenStartingBefore(buf, i, e);
  if (isKeywordPhrase(q, buf, i, end) && followsOperand(q, buf, i)) return undefined;
  if (end === i + 1) {
    const fragment = judgeFragment(q, buf, i, s, e);
    if (fragment !== false) return fragment;
  }
  return classifyAttack(q, buf, i, e);
}

/**
 * Whether the token before `i` ends an operand (a literal, parameter, name or `)`), or there
 * is none: a keyword phrase is then where the app's grammar continues a clause (`$1 ORDER BY`,
 * `total IS NOT NULL`). After an operator, a keyword or `(` the phrase stands where a value
 * or name belongs, which is an input's slot (`id = IS NULL`), and is judged as code.
 */
function followsOperand(q: string, buf: TokenBuffer, i: number): boolean {
  let p = i - 1;
  while (p >= 0 && isCommentKind(buf.kindAt(p))) p--;
  if (p < 0) return true;
  const kind = buf.kindAt(p);
  if (kind === OPERATOR) return tokenTextIs(q, buf, p, ')');
  if (kind === WORD) return !isPhraseKeyword(q, buf.starts[p], buf.ends[p]) && !isStructuralKeyword(q, buf.starts[p], buf.ends[p]);
  return kind !== EXEC_COMMENT;
}

/**
 * Tokens [i, last] are all keywords, none of them a connective (see the header). A value
 * keyword (NULL, TRUE, ...) may only end the phrase after IS or NOT (`is not null`): one that
 * starts it supplies the value the slot expects and lets the rest compare it
 * (`deleted = null is null` is true for every row).
 */
function isKeywordPhrase(q: string, buf: TokenBuffer, i: number, last: number): boolean {
  for (let t = i; t <= last; t++) {
    if (buf.kindAt(t) !== WORD) return false;
    const ts = buf.starts[t];
    const te = buf.ends[t];
    if (isPhraseKeyword(q, ts, te)) continue;
    const closing = t === last && t > i && (tokenIs(q, buf, t - 1, 'IS') || tokenIs(q, buf, t - 1, 'NOT'));
    if (!closing || !isValueKeyword(q, ts, te)) return false;
  }
  return true;
}

const isFragmentPunctuation = (q: string, buf: TokenBuffer, t: number): boolean =>
  buf.kindAt(t) === OPERATOR &&
  (tokenTextIs(q, buf, t, ',') || tokenTextIs(q, buf, t, '(') || tokenTextIs(q, buf, t, ')') || tokenTextIs(q, buf, t, '.'));

/**
 * Two tokens, one of them `,` `(` `)` or `.` and the other a number or a name (`2)`,
 * `name,`, `.col`): undefined when harmless, the value-slot rule for a whole name where a
 * value belongs, or false when the occurrence has another shape.
 */
function judgeFragment(q: string, buf: TokenBuffer, i: number, s: number, e: number): SqlRule | undefined | false {
  const word = isFragmentPunctuation(q, buf, i) ? i + 1 : isFragmentPunctuation(q, buf, i + 1) ? i : -1;
  if (word < 0) return false;
  const bracket = tokenTextIs(q, buf, 2 * i + 1 - word, '(') || tokenTextIs(q, buf, 2 * i + 1 - word, ')');
  if (bracket && !bracketsBalance(q, buf)) return false;
  const kind = buf.kindAt(word);
  if (kind === NUMBER) return undefined;
  if (kind !== WORD && kind !== QUOTED_IDENT) return false;
  const whole = s <= buf.starts[word] && e >= buf.ends[word];
  if (!whole || (kind === WORD && isValueKeyword(q, buf.starts[word], buf.ends[word]))) return undefined;
  return inValueSlot(q, buf, word, word) ? RULES.valueIdentifier : undefined;
}

/** Binary search: index of the first token whose end lies after `s` (tokens are ordered). */
function firstTokenEndingAfter(buf: TokenBuffer, s: number): number {
  let lo = 0;
  let hi = buf.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (buf.ends[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function judgeSingle(
  q: string,
  buf: TokenBuffer,
  i: number,
  s: number,
  e: number,
  inputLength: number,
): SqlRule | undefined {
  const ts = buf.starts[i];
  const te = buf.ends[i];
  // Part of a longer token the app wrote (`name` in `username`, `id` in `:id`): the input
  // did not make that token, and a token is never split by what is inside it.
  const whole = s <= ts && e >= te;
  switch (buf.kindAt(i)) {
    case STRING:
    case NUMBER:
    case PARAMETER: // placeholders are bound by the app, never by the input
      return undefined;
    case WORD:
      if (!whole || isValueKeyword(q, ts, te)) return undefined;
      if (inValueSlot(q, buf, i, i)) return RULES.valueIdentifier;
      return isSystemFunctionKeyword(q, ts, te) || (buf.userIsFunction && wordIs(q, ts, te, 'USER')) ? RULES.systemValue : undefined;
    case QUOTED_IDENT:
    case VARIABLE:
      if (!whole) return undefined;
      if (inValueSlot(q, buf, i, i)) return RULES.valueIdentifier;
      // `@@version`, `@@datadir`: a server setting, readable from any other slot too (SELECT lists).
      return q.charCodeAt(ts) === 0x40 && q.charCodeAt(ts + 1) === 0x40 ? RULES.systemValue : undefined;
    case COMMENT:
      return judgeInComment(q, buf, i, s, e, inputLength);
    case EXEC_COMMENT:
      return inputLength > 1 ? RULES.executableComment : undefined;
    default: // OPERATOR
      // One character (`,` `-` `*` `;` `(`) cannot restructure a query alone; every SQL text
      // is full of them, so matching them would only produce false positives.
      if (!whole || inputLength === 1) return undefined;
      return tokenTextIs(q, buf, i, ';') ? RULES.stackedQuery : RULES.operator;
  }
}

/** Text inside a comment the app wrote is inert; touching its delimiters is not. */
function judgeInComment(
  q: string,
  buf: TokenBuffer,
  i: number,
  s: number,
  e: number,
  inputLength: number,
): SqlRule | undefined {
  const ts = buf.starts[i];
  const te = buf.ends[i];
  const first = q.charCodeAt(ts);
  const open = first === 0x23 /* # */ ? 1 : 2;
  const close = first === 0x2f /* / */ && !buf.isUnterminated(i) ? 2 : 0;
  if (s >= ts + open && e <= te - close) return undefined;
  const coversOpener = s <= ts && e >= ts + open;
  if (inputLength === 1 && !coversOpener) return undefined; // a lone `-` or `*` of a delimiter
  return RULES.comment;
}

/** What a literal list accepts next, given the token before (see isLiteralList). */
const ANY = 0; // the occurrence's first token
const VALUE = 1; // after a comma: a literal or a sign
const NUMBER_ONLY = 2; // after a sign
const COMMA = 3; // after a literal

function listStep(q: string, buf: TokenBuffer, t: number, state: number): number {
  const kind = buf.kindAt(t);
  if (kind === NUMBER) return state === COMMA ? -1 : COMMA;
  if (kind === STRING) return state === COMMA || state === NUMBER_ONLY ? -1 : COMMA;
  if (kind !== OPERATOR) return -1;
  if (tokenTextIs(q, buf, t, ',')) return state === COMMA || state === ANY ? VALUE : -1;
  const sign = tokenTextIs(q, buf, t, '-') || tokenTextIs(q, buf, t, '+');
  return sign && (state === ANY || state === VALUE) ? NUMBER_ONLY : -1;
}

/** The state after an accepted list token. */
function stateAfter(q: string, buf: TokenBuffer, t: number): number {
  const kind = buf.kindAt(t);
  if (kind === NUMBER || kind === STRING) return COMMA;
  return tokenTextIs(q, buf, t, ',') ? VALUE : NUMBER_ONLY;
}

/** Index of the last token starting before `e` (there is one: token `i` does). */
function lastTokenStartingBefore(buf: TokenBuffer, i: number, e: number): number {
  let lo = i;
  let hi = buf.count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (buf.starts[mid] < e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A list of literals for `IN (...)` and the like: `1,2,3`, `-1, +2`, `'a', 'b', 3`. Numbers
 * may be cut at the ends of the occurrence (`2,3` in `12,3`), but every string must be whole,
 * quotes included: `x', 'y` inside the app's `'...'` is a breakout that widens an IN list,
 * while `'x', 'y'` supplied whole is only values. The state after a token depends only on
 * that token, so a run checked for an earlier, overlapping occurrence is not checked again.
 */
function isLiteralList(q: string, buf: TokenBuffer, i: number, s: number, e: number, memo: ListMemo): boolean {
  if (buf.kindAt(i) === STRING && s > buf.starts[i]) return false;
  const last = lastTokenStartingBefore(buf, i, e);
  if (buf.kindAt(last) === STRING && e < buf.ends[last]) return false;
  let t = i;
  let state = ANY;
  const reuse = memo.from >= 0 && memo.from <= i && i <= memo.to;
  if (reuse) {
    t = memo.to + 1;
    state = stateAfter(q, buf, memo.to);
  }
  for (; t <= last; t++) {
    state = listStep(q, buf, t, state);
    if (state < 0) return false;
  }
  if (!reuse) memo.from = i;
  memo.to = Math.max(last, memo.to);
  return true;
}

function isName(q: string, buf: TokenBuffer, t: number): boolean {
  const kind = buf.kindAt(t);
  if (kind === QUOTED_IDENT) return true;
  return kind === WORD && !isStructuralKeyword(q, buf.starts[t], buf.ends[t]);
}

function isAscDesc(q: string, buf: TokenBuffer, t: number): boolean {
  return buf.kindAt(t) === WORD && (tokenIs(q, buf, t, 'ASC') || tokenIs(q, buf, t, 'DESC'));
}

/**
 * A column reference for an ORDER BY slot: `name`, `t.name`, `"Name"`, optionally followed by
 * ASC or DESC; or a column number with ASC or DESC (`2 DESC`). Returns the index of the last
 * name token of the reference (so the caller can check the slot), or -1 when the occurrence
 * is anything else.
 */
function columnRefEnd(q: string, buf: TokenBuffer, i: number, e: number): number {
  const inside = (t: number): boolean => t < buf.count && buf.starts[t] < e;
  if (buf.kindAt(i) === NUMBER) {
    return isAscDesc(q, buf, i + 1) && !inside(i + 2) ? i : -1;
  }
  if (!isName(q, buf, i)) return -1;
  let t = i + 1;
  let lastName = i;
  while (inside(t)) {
    if (t - i >= MAX_COLUMN_REF_TOKENS) return -1;
    if (tokenTextIs(q, buf, t, '.') && inside(t + 1) && isName(q, buf, t + 1)) {
      lastName = t + 1;
      t += 2;
      continue;
    }
    return isAscDesc(q, buf, t) && !inside(t + 1) ? lastName : -1;
  }
  return lastName;
}

function isCommentKind(kind: number): boolean {
  return kind === COMMENT;
}

/**
 * Whether tokens [first, last] stand where the query expects a value: on the right of a
 * comparison (`=`, `<>`, LIKE, ...) or inside an `IN (...)` list. A column name there turns
 * `WHERE password = <input>` into `WHERE password = password`, true for every row; on the
 * left of a comparison, in ORDER BY, SELECT or GROUP BY lists it is a dynamic column name.
 */
function inValueSlot(q: string, buf: TokenBuffer, first: number, last: number): boolean {
  let next = last + 1;
  while (next < buf.count && isCommentKind(buf.kindAt(next))) next++;
  if (next < buf.count && tokenTextIs(q, buf, next, '.')) return false; // a qualifier: `t` in t.col
  let p = first - 1;
  while (p >= 0 && isCommentKind(buf.kindAt(p))) p--;
  if (p < 0) return false;
  const kind = buf.kindAt(p);
  const ps = buf.starts[p];
  const pe = buf.ends[p];
  if (kind === WORD) return isComparisonKeyword(q, ps, pe);
  if (kind !== OPERATOR) return false;
  if (isComparisonOperator(q, ps, pe)) return true;
  return tokenTextIs(q, buf, p, ',') || tokenTextIs(q, buf, p, '(') ? inInList(q, buf, p) : false;
}

/** From a `,` or `(` before a value, walks back over the list to see whether it is `IN (`. */
function inInList(q: string, buf: TokenBuffer, p: number): boolean {
  const stop = Math.max(0, p - MAX_IN_LIST_LOOKBACK);
  for (; p >= stop; p--) {
    const kind = buf.kindAt(p);
    if (kind === OPERATOR) {
      if (tokenTextIs(q, buf, p, '(')) {
        let before = p - 1;
        while (before >= 0 && isCommentKind(buf.kindAt(before))) before--;
        return before >= 0 && buf.kindAt(before) === WORD && tokenIs(q, buf, before, 'IN');
      }
      if (!tokenTextIs(q, buf, p, ',')) return false;
    } else if (kind === COMMENT || kind === EXEC_COMMENT) {
      return false;
    }
  }
  return false;
}

/** Whether every `(` of the query is closed by a later `)`; computed once per query. */
function bracketsBalance(q: string, buf: TokenBuffer): boolean {
  if (buf.balanced < 0) {
    let depth = 0;
    for (let t = 0; t < buf.count && depth >= 0; t++) {
      if (buf.kindAt(t) !== OPERATOR || buf.ends[t] - buf.starts[t] !== 1) continue;
      const c = q.charCodeAt(buf.starts[t]);
      if (c === 0x28) depth++;
      else if (c === 0x29) depth--;
    }
    buf.balanced = depth === 0 ? 1 : 0;
  }
  return buf.balanced === 1;
}

/** Names what a multi-token occurrence does, most severe first. */
function classifyAttack(q: string, buf: TokenBuffer, i: number, e: number): SqlRule {
  let rule: SqlRule = RULES.tokenBoundary;
  for (let t = i; t < buf.count && buf.starts[t] < e; t++) {
    const kind = buf.kindAt(t);
    if (kind === OPERATOR && tokenTextIs(q, buf, t, ';')) return RULES.stackedQuery;
    if (kind === EXEC_COMMENT) rule = RULES.executableComment;
    else if (kind === COMMENT && rule === RULES.tokenBoundary) rule = RULES.comment;
  }
  return rule;
}
