// Inputs the app cut to a length before pasting them (`name.slice(0, n)`): an attacker pads
// past the payload so the input occurs nowhere, and the prefix that reached the query is
// judged instead. Benign twins (long names cut, long searches, short values) pass.
import t from 'tap';
import { detectSqlInjection } from '../../../src/detect/sql';
import type { SqlDialect } from '../../../src/detect/sql';
import { AppTextMemory } from '../../../src/detect/app-text';
import { closeBudget, openBudget } from '../../../src/detect/budget';

const input = (value: string) => [{ source: 'query' as const, path: 'q', value }];
const rule = (sql: string, value: string, dialect: SqlDialect = 'postgres') => detectSqlInjection(sql, input(value), dialect)?.rule;
const byName = (name: string) => `SELECT id, email FROM users WHERE name = '${name}' AND deleted_at IS NULL`;
const byId = (id: string) => `SELECT id, email FROM users WHERE id = ${id} LIMIT 1`;
const CUTS = [12, 16, 20, 24, 40, 64];
const pad = (payload: string, filler = 'A') => payload + filler.repeat(500);

t.test('attacks padded past the cut are caught at every cut length', async (t) => {
  const payloads = ["x' OR 1=1 --", "'; DROP TABLE users; --", "x' UNION SELECT password FROM users --"];
  for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
    for (const payload of payloads) {
      for (const n of CUTS) {
        if (n < payload.length) continue; // the cut must keep the payload
        const value = pad(payload);
        const sql = byName(value.slice(0, n));
        t.notOk(sql.includes(value), 'the whole input is not in the query');
        t.ok(rule(sql, value, dialect), `${dialect}: ${JSON.stringify(payload)} cut at ${n}`);
      }
    }
  }
});

t.test('the rule reported is the one the prefix breaks', async (t) => {
  t.equal(rule(byName(pad("x' OR 1=1 --").slice(0, 20)), pad("x' OR 1=1 --")), 'sqli.comment');
  t.equal(rule(byName(pad("'; DROP TABLE users; --").slice(0, 30)), pad("'; DROP TABLE users; --")), 'sqli.stacked-query');
  // numeric slot, padded with blanks: the cut leaves `1 OR 1=1` and spaces
  const numeric = pad('1 OR 1=1', ' ');
  t.equal(rule(byId(numeric.slice(0, 24)), numeric), 'sqli.token-boundary');
});

t.test('forms of the input are cut too: case-changed, escaped before the cut', async (t) => {
  const value = pad("x' union select password from users --");
  t.equal(rule(byName(value.toUpperCase().slice(0, 48)), value), 'sqli.comment', 'upper-cased, then cut');
  // Escaped for MySQL with backslashes (wrong under NO_BACKSLASH_ESCAPES), then cut.
  const escaped = value.replace(/'/g, "\\'");
  t.equal(rule(byName(escaped.slice(0, 30)), value, 'mysql-no-backslash'), 'sqli.token-boundary');
  t.equal(rule(byName(escaped.slice(0, 30)), value, 'mysql'), undefined, 'the backslash escapes where the server reads it so');
  // Quotes doubled, then cut between the two quotes of a pair: the app's closing quote is
  // escaped by the one left, and the query no longer ends its string.
  const doubled = 'A'.repeat(19) + "'" + 'B'.repeat(40);
  const cut = doubled.replace(/'/g, "''").slice(0, 20);
  t.equal(cut.endsWith("A'"), true);
  t.equal(rule(byName(cut), doubled), 'sqli.unterminated');
});

t.test('benign values cut by the app are not flagged', async (t) => {
  const names = [
    'Alexander Maximilian von Humboldt-Lichtenstein',
    "Siobhan O'Sullivan-MacGillycuddy of Kerry",
    'Jean-Baptiste Grenouille (Paris) -- perfumer',
    'select the best offer for me please, thank you',
  ];
  for (const name of names) {
    for (const n of [20, 24, 32]) {
      const escaped = name.slice(0, n).replace(/'/g, "''");
      t.equal(rule(byName(escaped), name), undefined, `${JSON.stringify(name)} cut at ${n}`);
      t.equal(rule(byName(name.replace(/'/g, "''").slice(0, n)), name), undefined, `escaped, then cut at ${n}`);
    }
  }
});

t.test('ordinary long inputs whose start is the app text are excused like whole inputs', async (t) => {
  // A search box holding words that begin like the app's SQL; the query is parameterized.
  const search = 'SELECT id, title FROM posts WHERE title ILIKE $1 ORDER BY created_at DESC LIMIT 20';
  t.equal(rule(search, 'order by price please, cheapest first'), undefined, 'a keyword phrase');
  t.equal(rule('SELECT * FROM t WHERE a IS NOT NULL AND b = $1', 'is not null or empty values please'), undefined);
  t.equal(rule('SELECT id, name, email FROM users WHERE id = $1', 'name, street and town'), undefined, 'a fragment');
  // A text the app sent without the input is its own, whatever prefix of an input it holds.
  const memory = new AppTextMemory();
  const sorted = 'SELECT id FROM posts ORDER BY created_at DESC, id LIMIT 20';
  detectSqlInjection(sorted, input('unrelated'), 'postgres', { appTexts: memory });
  const value = 'created_at DESC, title first please';
  t.equal(detectSqlInjection(sorted, input(value), 'postgres', { appTexts: memory }), undefined);
  t.equal(rule(sorted, value), 'sqli.token-boundary', 'without that evidence the prefix is judged as code');
});

t.test('short, plain and non-maximal prefixes are not followed', async (t) => {
  // Shorter than MIN_PREFIX (7): `x' OR 1` is not a reason to look.
  t.equal(rule("SELECT * FROM t WHERE a = 'x' OR 1 AND b = 2", "x' OR 1 AND c = 3"), 'sqli.token-boundary', 'control: 8 characters agree');
  t.equal(rule("SELECT * FROM t WHERE a = 'x' OR AND b = 2", "x' OR 1"), undefined);
  // Digits and dots cannot carry structure.
  t.equal(rule('SELECT * FROM t WHERE v = 1.2.3.4.5 OR x', '1.2.3.4.5.6.7.8.9'), undefined);
  // The whole input occurring is judged as before, not as a prefix.
  t.equal(rule(byName('alice smith'), 'alice smith'), undefined);
});

t.test('the search is bounded: a head found all over the query costs the budget, not more', async (t) => {
  const value = `${'a'.repeat(2000)}' OR 1=1 --`;
  const sql = `SELECT * FROM t WHERE v = '${'a'.repeat(50000)}'`;
  openBudget(1_000_000);
  try {
    t.equal(rule(sql, value), undefined, 'eight candidates, each inside the string');
  } finally {
    closeBudget();
  }
  // The cut copy placed after more than eight copies of the head is not followed (docs/sql.md).
  const repeated = `SELECT ${'customer_id, '.repeat(9)}x FROM t WHERE a = 'customer_id' OR 1=1 --'`;
  t.equal(rule(repeated, "customer_id' OR 1=1 --AAAAAAAA"), undefined, 'documented limit');
});
