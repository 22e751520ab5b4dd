// Query string parameters as inputs, collected at the first sink check of every request:
// kept cheap for the common query string that holds nothing to decode.
import type { UserInput } from '../detect/types';
import { addString, exceed, isPlainWord, type WalkBudget } from './walk';

/** Below this many parameters, repeated names are found by comparing, without a Map. */
const SMALL_QUERY = 16;

/** Adds each parameter value (and odd names), plus the comma-joined values of a repeated name. */
export function collectQuery(queryString: string, budget: WalkBudget, out: UserInput[]): void {
  const pairs = queryPairs(queryString);
  // Parameters looked at, not inputs added: empty values add nothing but still cost
  // (a memory bound: reaching it is recorded, and the request's sink calls refused).
  const most = budget.inputsLeft;
  let seen = 0; // pairs looked at, times two
  for (; seen < pairs.length; seen += 2) {
    if (seen / 2 >= most) {
      exceed(budget, 'maxInputs', 'query', pairs[seen]!);
      break;
    }
    const name = pairs[seen]!;
    if (!addString(pairs[seen + 1]!, 'query', name, budget, out)) break;
    if (name.length > 0 && !isPlainWord(name)) addString(name, 'query', name, budget, out);
  }
  // HTTP parameter pollution: many frameworks join repeated keys with commas.
  addRepeated(pairs, seen, budget, out);
}

/**
 * The parameters as [name, value, name, value, ...], as URLSearchParams parses them: split
 * at `&`, then at the first `=`, empty pieces skipped, one leading `?` dropped. A query
 * string with no `%`, `+` or non-ASCII character needs no decoding and is split here;
 * any other goes through URLSearchParams.
 */
export function queryPairs(queryString: string): string[] {
  const pairs: string[] = [];
  const n = queryString.length;
  let start = n > 0 && queryString.charCodeAt(0) === 0x3f /* ? */ ? 1 : 0;
  let eq = -1;
  for (let i = start; i <= n; i++) {
    const c = i === n ? 0x26 /* & */ : queryString.charCodeAt(i);
    if (c === 0x25 /* % */ || c === 0x2b /* + */ || c >= 0x80) return decodedPairs(queryString);
    if (c === 0x3d /* = */ && eq === -1) eq = i;
    else if (c === 0x26) {
      if (i > start) {
        if (eq === -1) pairs.push(queryString.slice(start, i), '');
        else pairs.push(queryString.slice(start, eq), queryString.slice(eq + 1, i));
      }
      start = i + 1;
      eq = -1;
    }
  }
  return pairs;
}

function decodedPairs(queryString: string): string[] {
  const pairs: string[] = [];
  try {
    for (const [name, value] of new URLSearchParams(queryString)) pairs.push(name, value);
  } catch {
    // not a query string URLSearchParams accepts: nothing to collect
  }
  return pairs;
}

/** For each name given more than once among the first `end / 2` pairs, its values joined by commas. */
function addRepeated(pairs: readonly string[], end: number, budget: WalkBudget, out: UserInput[]): void {
  if (end > 2 * SMALL_QUERY) {
    const byName = new Map<string, string[]>();
    for (let i = 0; i < end; i += 2) {
      const values = byName.get(pairs[i]!);
      if (values === undefined) byName.set(pairs[i]!, [pairs[i + 1]!]);
      else values.push(pairs[i + 1]!);
    }
    for (const [name, values] of byName) if (values.length > 1) addString(values.join(','), 'query', name, budget, out);
    return;
  }
  outer: for (let i = 0; i < end; i += 2) {
    const name = pairs[i]!;
    for (let k = 0; k < i; k += 2) if (pairs[k] === name) continue outer; // joined at its first occurrence
    let joined: string | undefined;
    for (let j = i + 2; j < end; j += 2) {
      if (pairs[j] === name) joined = (joined ?? pairs[i + 1]!) + ',' + pairs[j + 1]!;
    }
    if (joined !== undefined) addString(joined, 'query', name, budget, out);
  }
}
