// The detector keeps the tokens of the last query it tokenized and reuses them when the same
// text comes again (detector.ts, lastLexed). Verdicts must be the same as with fresh tokens,
// also when the same text comes in another dialect, where it tokenizes differently.
import t from 'tap';
import { detectSqlInjection } from '../../../src/detect/sql';
import type { SqlDialect } from '../../../src/detect/sql';
import type { UserInput } from '../../../src/detect/types';

const input = (value: string): UserInput[] => [{ source: 'query', path: 'q', value }];
const other = "SELECT name FROM other WHERE note = 'plain'";

// `\'` closes nothing in MySQL (the literal runs on) but ends the literal in PostgreSQL.
const escaped = "a\\' OR 1=1 -- ";
const cases: [string, string, SqlDialect][] = [
  [`SELECT 1 FROM t WHERE a = '${escaped}'`, escaped, 'postgres'],
  [`SELECT 1 FROM t WHERE a = '${escaped}'`, escaped, 'mysql'],
  [`SELECT 1 FROM t WHERE a = '${escaped}'`, escaped, 'postgres'],
  ["SELECT id FROM users WHERE name = 'user42'", 'user42', 'postgres'],
  ["SELECT id FROM users WHERE name = 'user42'", 'user42', 'postgres'],
  ["SELECT id FROM users WHERE name = '' OR '1'='1'", "' OR '1'='1", 'sqlite'],
  ["SELECT id FROM users WHERE name = '' OR '1'='1'", "' OR '1'='1", 'sqlite'],
  ["SELECT id FROM users WHERE name = 'user42'", 'user42', 'sqlite'],
];

/** The verdict with the tokens made afresh: another query is tokenized first. */
function fresh(query: string, value: string, dialect: SqlDialect): string | undefined {
  detectSqlInjection(other, input('plain'), dialect);
  return detectSqlInjection(query, input(value), dialect)?.rule;
}

t.test('the same text in a row gets the verdict fresh tokens give', async (t) => {
  const expected = cases.map(([q, v, d]) => fresh(q, v, d));
  t.ok(expected[0] !== undefined, 'PostgreSQL: the backslash does not escape the quote, an injection');
  t.equal(expected[1], undefined, 'MySQL: the same text is one literal');
  t.equal(expected[3], undefined, 'an input inside its literal');
  t.ok(expected[5] !== undefined, 'a quote breaking out');
  const inRow = cases.map(([q, v, d]) => detectSqlInjection(q, input(v), d)?.rule);
  t.same(inRow, expected);
});

t.test('a copy of the text (another string object) reuses the tokens with the same verdicts', async (t) => {
  const [q, v] = cases[5]!;
  const first = detectSqlInjection(q, input(v), 'sqlite')?.rule;
  const copy = (q + ' ').slice(0, -1);
  t.equal(detectSqlInjection(copy, input(v), 'sqlite')?.rule, first);
  t.ok(first !== undefined);
});
