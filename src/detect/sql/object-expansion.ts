// mysqljs-style client-side formatting (mysql, and mysql2 releases that format with
// `sqlstring`) turns an object passed for a `?` into a list of `key` = value pairs. That is
// meant for `INSERT INTO t SET ?` and `WHERE ?`; where the query expects one value, an
// object from a JSON body turns the value into a comparison the attacker chose:
// `pass = ?` with {"pass": 1} becomes ``pass = `pass` = 1``, true for every row.
//
// The template holds no input, so the text detector cannot see this: the verdict is made
// here from the template's slot and the shape of the value. Pure: no Node imports.

import { COMMENT, OPERATOR, PARAMETER, TokenBuffer, WORD } from './token-buffer';
import { lexInto } from './tokenize';

/** Where an object value would expand in the wrong place. */
export interface MisplacedExpansion {
  /** Index of the value in the driver's values array. */
  readonly index: number;
  /** UTF-16 offset of its `?` in the template. */
  readonly offset: number;
}

/**
 * Values the driver expands into `key = value` pairs: records as JSON.parse, query-string
 * parsers and body parsers build them (prototype Object.prototype or null). Arrays, Dates,
 * Buffers and objects with toSqlString are formatted as values; instances of the app's own
 * classes are not input-shaped and are left to the app.
 */
export function isExpandableRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return typeof (value as { toSqlString?: unknown }).toSqlString !== 'function';
}

/** Keywords after which a `key = value` list is a condition or an assignment list. */
const LIST_STARTS = new Set(['where', 'and', 'or', 'xor', 'not', 'having', 'on', 'set', 'update', 'when']);
/** Clause keywords that end the search back from a `,` for the SET list it belongs to. */
const CLAUSES = new Set(['select', 'from', 'where', 'values', 'value', 'into', 'having', 'order', 'group', 'limit', 'by', 'in', 'on', 'join', 'returning']);

const buf = new TokenBuffer(64);

/**
 * The first record value whose `?` is not where a condition or assignment list may start,
 * or undefined. `values` are matched to placeholders the way the formatter does: every run
 * of one or two `?` takes the next value (wherever it is, even inside a string), longer
 * runs are skipped.
 */
export function misplacedExpansion(template: string, values: readonly unknown[]): MisplacedExpansion | undefined {
  let any = false;
  for (let i = 0; i < values.length; i++) if (isExpandableRecord(values[i])) any = true;
  if (!any) return undefined;
  lexInto(template, 'mysql', buf);
  const runs = /\?+/g;
  let index = 0;
  let match: RegExpExecArray | null;
  while (index < values.length && (match = runs.exec(template)) !== null) {
    const length = match[0].length;
    if (length > 2) continue;
    if (length === 1 && isExpandableRecord(values[index]) && !startsList(template, match.index)) return { index, offset: match.index };
    index++;
  }
  return undefined;
}

/** Whether the `?` at `offset` is a placeholder token where a condition or SET list may start. */
function startsList(q: string, offset: number): boolean {
  const at = tokenAt(offset);
  if (at < 0 || buf.kindAt(at) !== PARAMETER) return false; // inside a string or comment: the pairs land in text
  let prev = previousCode(at);
  // `WHERE (?)`, `AND ((?))`: parentheses around a condition.
  while (prev >= 0 && isOperator(q, prev, '(')) prev = previousCode(prev);
  if (prev < 0) return false;
  if (buf.kindAt(prev) === WORD) return LIST_STARTS.has(wordAt(q, prev));
  return isOperator(q, prev, ',') && inSetList(q, prev);
}

/** Whether the `,` at token `comma` separates items of a SET (or ON DUPLICATE KEY UPDATE) list. */
function inSetList(q: string, comma: number): boolean {
  let depth = 0;
  for (let i = comma - 1; i >= 0; i--) {
    const kind = buf.kindAt(i);
    if (kind === OPERATOR) {
      if (isOperator(q, i, ')')) depth++;
      else if (isOperator(q, i, '(') && --depth < 0) return false; // the comma is inside a call or a tuple
    } else if (kind === WORD && depth === 0) {
      const word = wordAt(q, i);
      if (word === 'set' || word === 'update') return true;
      if (CLAUSES.has(word)) return false;
    }
  }
  return false;
}

function tokenAt(offset: number): number {
  for (let i = 0; i < buf.count; i++) {
    if (buf.starts[i] === offset) return i;
    if (buf.starts[i] > offset) return -1;
  }
  return -1;
}

function previousCode(i: number): number {
  let j = i - 1;
  while (j >= 0 && buf.kindAt(j) === COMMENT) j--;
  return j;
}

function isOperator(q: string, i: number, text: string): boolean {
  return buf.kindAt(i) === OPERATOR && buf.ends[i] - buf.starts[i] === 1 && q[buf.starts[i]] === text;
}

function wordAt(q: string, i: number): string {
  return q.slice(buf.starts[i], buf.ends[i]).toLowerCase();
}
