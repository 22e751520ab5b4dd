// The SQL detector keeps per-input search data across calls with the same inputs array
// (input-forms.ts) and the last folded query (detector.ts). Verdicts must be those of a
// fresh call whatever changed in between.

import t from 'tap';
import { detectSqlInjection } from '../../../src/detect/sql';
import type { UserInput } from '../../../src/detect/types';

type Mutable = { source: 'query'; path: string; value: string };
const q = (value: string, path = 'name'): Mutable => ({ source: 'query', path, value });
const rule = (query: string, inputs: readonly UserInput[], allowFullQueryInput = false) =>
  detectSqlInjection(query, inputs, 'postgres', { allowFullQueryInput })?.rule;
const fresh = (query: string, values: string[], allowFullQueryInput = false) =>
  rule(query, values.map((v) => q(v)), allowFullQueryInput);

const QUERY = "SELECT * FROM users WHERE name = '' OR 1=1 --'";

t.test('a value changed in place is searched for afresh', async (t) => {
  const input = q('alice');
  const list = [q('Mozilla/5.0 (X11)', 'user-agent'), input];
  t.equal(rule(QUERY, list), undefined);
  input.value = "' OR 1=1 --";
  t.equal(rule(QUERY, list), 'sqli.comment');
  t.equal(rule(QUERY, list), fresh(QUERY, ['Mozilla/5.0 (X11)', "' OR 1=1 --"]));
  input.value = 'alice';
  t.equal(rule(QUERY, list), undefined, 'and back');
});

t.test('another object at the same place, with the same path, is its own input', async (t) => {
  const list: Mutable[] = [q('alice')];
  t.equal(rule(QUERY, list), undefined);
  list[0] = q("' or 1=1 --");
  t.equal(rule(QUERY, list), 'sqli.comment', 'lower-case injection found case-insensitively');
  list[0] = q("' xor 1=1 --");
  t.equal(rule(QUERY, list), undefined);
});

t.test('values that differ only in case keep their own verdicts', async (t) => {
  // Only the exact input equals the whole query; the other case is searched for and judged.
  const input = q('SELECT 1');
  const list = [input];
  t.equal(rule('SELECT 1', list, true), undefined, 'the whole query, trusted by the option');
  input.value = 'select 1';
  t.equal(rule('SELECT 1', list, true), fresh('SELECT 1', ['select 1'], true));
  t.equal(rule('SELECT 1', list, true), 'sqli.token-boundary');
  input.value = 'SELECT 1';
  t.equal(rule('SELECT 1', list, true), undefined);
});

t.test('a query of the same length as the last one is folded anew', async (t) => {
  const list = [q("x' or 'a'='a")];
  const injected = "SELECT * FROM T WHERE A = 'X' OR 'A'='A'";
  const other = "SELECT * FROM T WHERE A = 'Y' OR 'A'='A'";
  t.equal(other.length, injected.length);
  t.equal(rule(injected, list), 'sqli.token-boundary');
  t.equal(rule(other, list), undefined);
  t.equal(rule(injected, list), 'sqli.token-boundary');
});

t.test('a needle found only after many partial hits is still found', async (t) => {
  // `1 or sx` is searched from its rare `x`: eleven `x` without `1 or s` before them
  // exhaust the partial search, and the plain search must take over, not give up.
  const query = 'SELECT x, x, x, x, x, x, x, x, x, x, x FROM t WHERE id = 1 OR sx';
  t.equal(rule(query, [q('1 OR sx')]), 'sqli.token-boundary');
  t.equal(rule(query.replace(' sx', ' sy'), [q('1 OR sx')]), undefined);
});

t.test('values taking turns at one index, short and long, across calls and arrays', async (t) => {
  // Short values' forms are kept by index across calls (input-forms.ts); a different value
  // at that index, or one past the short-value limit, must get its own forms.
  const doubled = "SELECT * FROM users WHERE name = 'o'' OR ''1''=''1'";
  const attack = "o' OR '1'='1";
  const long = `${'x'.repeat(300)}' OR '1'='1`;
  const longQuery = `SELECT * FROM users WHERE name = '${'x'.repeat(300)}' OR '1'='1'`;
  for (let round = 0; round < 3; round++) {
    t.equal(rule(doubled, [q('o')]), undefined, `round ${round}: a plain value`);
    t.equal(rule(doubled, [q(attack)]), fresh(doubled, [attack]), `round ${round}: a quoted value gets its escaped forms`);
    t.equal(rule(longQuery, [q(long)]), 'sqli.token-boundary', `round ${round}: a long value`);
    t.equal(rule(longQuery, [q('o')]), undefined, `round ${round}: a short value after a long one`);
  }
  t.equal(fresh(doubled, [attack]), undefined, "doubled quotes keep the input inside one literal");
});
