// The MySQL lexers for session modes, and the reading of the app's SET sql_mode statements.
import t from 'tap';
import { detectSqlInjection, tokenizeSql } from '../../../src/detect/sql';
import { learnSessionMode, sessionDialect } from '../../../src/hooks/sinks/sql/session-modes';

const kinds = (q: string, d: Parameters<typeof tokenizeSql>[1]) => tokenizeSql(q, d).map((x) => `${x.kind}:${x.text}`);
const input = (value: string) => [{ source: 'query' as const, path: 'q', value }];

t.test('NO_BACKSLASH_ESCAPES: a backslash does not escape the quote', async (t) => {
  t.same(kinds("'a\\' OR 1", 'mysql'), ["string:'a\\' OR 1"], 'default: one unterminated string');
  t.same(kinds("'a\\' OR 1", 'mysql-no-backslash'), ["string:'a\\'", 'word:OR', 'number:1']);
  t.same(kinds('"a\\" b"', 'mysql-no-backslash'), ['string:"a\\"', 'word:b', 'string:"'], 'double-quoted strings too');
  const q = "SELECT * FROM t WHERE name = 'x\\' OR 1=1 -- '";
  t.equal(detectSqlInjection(q, input("x' OR 1=1 -- "), 'mysql'), undefined, 'default: the escaped input stays in the string');
  t.ok(detectSqlInjection(q, input("x' OR 1=1 -- "), 'mysql-no-backslash'), 'no-backslash: it ends the string');
});

t.test('ANSI_QUOTES: "…" is an identifier', async (t) => {
  t.same(kinds('"a b"', 'mysql-ansi-quotes'), ['quoted-identifier:"a b"']);
  t.same(kinds('"a b"', 'mysql'), ['string:"a b"']);
  t.same(kinds("'a\\' c'", 'mysql-ansi-no-backslash'), ["string:'a\\'", 'word:c', "string:'"]);
  t.same(kinds('"x\\" OR 1', 'mysql-ansi-quotes'), ['quoted-identifier:"x\\"', 'word:OR', 'number:1'], 'a backslash does not escape in an identifier');
});

t.test('the mode is read from the app’s SET statements, per connection', async (t) => {
  const c = {};
  t.equal(sessionDialect(c), 'mysql');
  for (const [sql, want] of [
    ["SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'", 'mysql-no-backslash'],
    ["set sql_mode=CONCAT(@@sql_mode, ',ANSI_QUOTES')", 'mysql-ansi-no-backslash'],
    ["SET GLOBAL sql_mode = ''", 'mysql-ansi-no-backslash'],
    ["SET @@global.sql_mode = ''", 'mysql-ansi-no-backslash'],
    ["SET sql_mode = 'ANSI'", 'mysql-ansi-quotes'],
    ["SET names utf8mb4, sql_mode = 'TRADITIONAL'", 'mysql'],
    ["SET sql_mode = 'ANSI'", 'mysql-ansi-quotes'],
    ["SET @@sql_mode := 'STRICT_TRANS_TABLES'", 'mysql'],
    ["SELECT 1; SET LOCAL sql_mode = 'NO_BACKSLASH_ESCAPES,ANSI_QUOTES'", 'mysql-ansi-no-backslash'],
    ['SELECT @@sql_mode', 'mysql-ansi-no-backslash'],
  ] as const) {
    learnSessionMode(c, sql);
    t.equal(sessionDialect(c), want, sql);
  }
  t.equal(sessionDialect({}), 'mysql', 'another connection keeps the default');
});
