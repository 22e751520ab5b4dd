// The few keyword tests the detector needs, made on the query text in place (no slicing, no
// upper-casing) because they run on the match path.

import { TokenBuffer } from './token-buffer';

/** Whether q[start, end) equals `upper` ignoring ASCII case. `upper` must be upper case. */
export function wordIs(q: string, start: number, end: number, upper: string): boolean {
  if (end - start !== upper.length) return false;
  for (let k = 0; k < upper.length; k++) {
    let c = q.charCodeAt(start + k);
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    if (c !== upper.charCodeAt(k)) return false;
  }
  return true;
}

export function tokenIs(q: string, buf: TokenBuffer, i: number, upper: string): boolean {
  return wordIs(q, buf.starts[i], buf.ends[i], upper);
}

/** Keywords that denote a plain value, fine wherever a value is expected. */
const VALUE_KEYWORDS = ['NULL', 'TRUE', 'FALSE', 'UNKNOWN', 'DEFAULT'];

export function isValueKeyword(q: string, start: number, end: number): boolean {
  for (const k of VALUE_KEYWORDS) if (wordIs(q, start, end, k)) return true;
  return false;
}

/** Keywords that compare their right-hand side with their left one, like `=`. */
const COMPARISON_KEYWORDS = ['LIKE', 'ILIKE', 'GLOB', 'REGEXP', 'RLIKE', 'MATCH'];

export function isComparisonKeyword(q: string, start: number, end: number): boolean {
  for (const k of COMPARISON_KEYWORDS) if (wordIs(q, start, end, k)) return true;
  return false;
}

/**
 * Words that build statements and expressions rather than name columns. In a multi-token
 * column reference (`t.name DESC`) none of them may appear: `union desc` or `or desc` is not a
 * column name.
 */
const STRUCTURAL = new Set([
  'ALL', 'ALTER', 'AND', 'ANY', 'AS', 'BETWEEN', 'BY', 'CASE', 'CREATE', 'DELETE', 'DISTINCT',
  'DROP', 'ELSE', 'END', 'EXCEPT', 'EXEC', 'EXECUTE', 'EXISTS', 'FROM', 'GLOB', 'GRANT', 'GROUP',
  'HAVING', 'ILIKE', 'IN', 'INSERT', 'INTERSECT', 'INTO', 'IS', 'JOIN', 'LIKE', 'LIMIT', 'NOT',
  'OFFSET', 'ON', 'OR', 'ORDER', 'PROCEDURE', 'REGEXP', 'RETURNING', 'RLIKE', 'SELECT', 'SET',
  'THEN', 'TRUNCATE', 'UNION', 'UPDATE', 'VALUES', 'WHEN', 'WHERE', 'WITH', 'XOR',
]);

export function isStructuralKeyword(q: string, start: number, end: number): boolean {
  if (end - start > 9) return false;
  return STRUCTURAL.has(q.slice(start, end).toUpperCase());
}

/**
 * Keywords a user may type as words (`group by`, `is not null`, `left join`): the structural
 * ones and a few more, minus those that join conditions or queries, with which a phrase of
 * keywords alone becomes an attack (`or true`, `union all select null`).
 */
const CONNECTIVES = ['AND', 'OR', 'XOR', 'UNION', 'INTERSECT', 'EXCEPT', 'MINUS'];
const PHRASE = new Set([
  ...[...STRUCTURAL].filter((k) => !CONNECTIVES.includes(k)),
  'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST', 'LEFT', 'RIGHT', 'INNER', 'OUTER', 'CROSS', 'FULL',
  'NATURAL', 'PRIMARY', 'KEY', 'FOREIGN', 'UNIQUE', 'INDEX', 'TABLE', 'COLUMN', 'ROWS',
  'ONLY', 'NEXT', 'FETCH', 'COLLATE', 'USING', 'CONFLICT', 'DO', 'NOTHING',
]);

export function isPhraseKeyword(q: string, start: number, end: number): boolean {
  if (end - start > 9) return false;
  return PHRASE.has(q.slice(start, end).toUpperCase());
}

/**
 * Keywords that read server state without parentheses (`SELECT current_user`): an input that
 * is one of them in a column slot returns who the app connects as.
 */
const SYSTEM_FUNCTIONS = ['CURRENT_USER', 'SESSION_USER', 'SYSTEM_USER', 'CURRENT_ROLE', 'CURRENT_SCHEMA', 'CURRENT_CATALOG'];

export function isSystemFunctionKeyword(q: string, start: number, end: number): boolean {
  for (const k of SYSTEM_FUNCTIONS) if (wordIs(q, start, end, k)) return true;
  return false;
}

/** Exactly `text` (case-sensitive; for punctuation). */
export function tokenTextIs(q: string, buf: TokenBuffer, i: number, text: string): boolean {
  const start = buf.starts[i];
  if (buf.ends[i] - start !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (q.charCodeAt(start + k) !== text.charCodeAt(k)) return false;
  return true;
}

/** `=`, `==`, `!=`, `<>`, `<`, `>`, `<=`, `>=`, `<=>`. */
export function isComparisonOperator(q: string, start: number, end: number): boolean {
  const len = end - start;
  const a = q.charCodeAt(start);
  if (len === 1) return a === 0x3d || a === 0x3c || a === 0x3e;
  const b = q.charCodeAt(start + 1);
  if (len === 2) {
    return (
      (b === 0x3d && (a === 0x3d || a === 0x21 || a === 0x3c || a === 0x3e)) ||
      (a === 0x3c && b === 0x3e)
    );
  }
  return len === 3 && a === 0x3c && b === 0x3d && q.charCodeAt(start + 2) === 0x3e;
}
