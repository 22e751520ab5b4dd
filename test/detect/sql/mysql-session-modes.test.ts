// The MySQL lexers for session modes, and the reading of the app's SET sql_mode statements.
import t from 'tap';
import { detectSqlInjection, tokenizeSql } from '../../../src/detect/sql';
import { learnSessionMode, sessionDialect, sessionReadings } from '../../../src/hooks/sinks/sql/session-modes';

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

t.test('what stays unknown is judged under both readings', async (t) => {
  const NB = 0x200;
  const reports = (status: number) => ({ of: () => status, handshake: false });
  t.same(sessionReadings({}, reports(0)), ['mysql', 'mysql-ansi-quotes'], 'the server reports the default backslash mode; ANSI_QUOTES is never reported');
  t.same(sessionReadings({}, reports(NB)), ['mysql-no-backslash', 'mysql-ansi-no-backslash'], 'the server reports NO_BACKSLASH_ESCAPES');
  t.same(sessionReadings({}), ['mysql', 'mysql-ansi-quotes', 'mysql-no-backslash', 'mysql-ansi-no-backslash'], 'nothing reported: every reading');
  const set = {};
  learnSessionMode(set, "SET sql_mode = 'TRADITIONAL'");
  t.same(sessionReadings(set, reports(NB)), ['mysql'], 'a literal the app set is the session mode');
  const variable = {};
  learnSessionMode(variable, 'SET sql_mode = @wanted');
  t.same(sessionReadings(variable, reports(0)).length, 4, 'a variable: unknown');
  const removed = {};
  learnSessionMode(removed, "SET sql_mode = 'NO_BACKSLASH_ESCAPES'");
  learnSessionMode(removed, "SET sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
  t.same(sessionReadings(removed, reports(NB)).length, 4, 'REPLACE(@@sql_mode, …) is not read as adding the mode');
  const reset = {};
  learnSessionMode(reset, "SET sql_mode = 'ANSI'");
  learnSessionMode(reset, 'SET sql_mode = DEFAULT');
  t.same(sessionReadings(reset, reports(0)), ['mysql', 'mysql-ansi-quotes'], 'DEFAULT: back to what the server reports');
});

t.test('a double quote is judged under ANSI_QUOTES too, only when the readings differ', async (t) => {
  const q = 'SELECT * FROM users WHERE pass = "pass"';
  t.equal(detectSqlInjection(q, input('"pass"'), 'mysql'), undefined, 'default reading: a string');
  t.equal(detectSqlInjection(q, input('"pass"'), 'mysql', { alsoAs: ['mysql-ansi-quotes'] })?.rule, 'sqli.value-identifier', 'under ANSI_QUOTES a column: true for every row');
  const inString = "SELECT * FROM t WHERE note = 'she said \"hi\"'";
  t.equal(detectSqlInjection(inString, input('she said "hi"'), 'mysql', { alsoAs: ['mysql-ansi-quotes'] }), undefined, 'inside a single-quoted string both readings agree');
});
