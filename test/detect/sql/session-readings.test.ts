// Readings of one query under session settings rampart may not know: PostgreSQL with
// standard_conforming_strings off, and the `alsoAs` option that judges a query under every
// reading its server may use, only when the query holds a character they read differently.
import t from 'tap';
import { detectSqlInjection, tokenizeSql } from '../../../src/detect/sql';
import { pgReadings, learnPgSetting } from '../../../src/hooks/sinks/sql/pg-session';

const kinds = (q: string, d: Parameters<typeof tokenizeSql>[1]) => tokenizeSql(q, d).map((x) => `${x.kind}:${x.text}`);
const input = (value: string) => [{ source: 'query' as const, path: 'q', value }];
/** PostgreSQL's own escaping: quotes doubled, right with standard strings only. */
const quoted = (v: string) => `SELECT * FROM t WHERE name = '${v.replace(/'/g, "''")}'`;

t.test('standard_conforming_strings off: a backslash escapes in every ordinary string', async (t) => {
  t.same(kinds("'a\\'' OR 1", 'postgres'), ["string:'a\\'' OR 1"], 'standard: one unterminated string');
  t.same(kinds("'a\\'' OR 1", 'postgres-backslash'), ["string:'a\\''", 'word:OR', 'number:1']);
  t.same(kinds("E'a\\'' x", 'postgres'), ["string:E'a\\''", 'word:x'], "E'' escapes in both");
  t.same(kinds('$$a\\$$ x', 'postgres-backslash'), ['string:$$a\\$$', 'word:x'], 'dollar quoting has no escapes in either');
  t.same(kinds('"a\\" x', 'postgres-backslash'), ['quoted-identifier:"a\\"', 'word:x'], 'identifiers have no escapes in either');
});

t.test('the doubled-quote escape breaks only with backslash escapes', async (t) => {
  const attack = "\\' OR 1=1 -- ";
  t.equal(detectSqlInjection(quoted(attack), input(attack), 'postgres'), undefined, 'standard strings: one string');
  t.equal(detectSqlInjection(quoted(attack), input(attack), 'postgres-backslash')?.rule, 'sqli.comment');
  t.equal(detectSqlInjection(quoted(attack), input(attack), 'postgres', { alsoAs: ['postgres-backslash'] })?.rule, 'sqli.comment', 'unknown setting: caught');
  for (const benign of ["O'Brien", 'C:\\dir\\file', 'a \\n b']) {
    t.equal(detectSqlInjection(quoted(benign), input(benign), 'postgres', { alsoAs: ['postgres-backslash'] }), undefined, `benign under both readings: ${benign}`);
  }
  t.equal(detectSqlInjection(quoted('C:\\'), input('C:\\'), 'postgres'), undefined, 'a trailing backslash is text with standard strings');
  t.equal(detectSqlInjection(quoted('C:\\'), input('C:\\'), 'postgres', { alsoAs: ['postgres-backslash'] })?.rule, 'sqli.unterminated', 'and would run on past the quote with backslash escapes');
});

t.test('the other readings cost nothing without a distinguishing character or an occurrence', async (t) => {
  // A query without a backslash reads the same in both: `x' OR 1=1` is judged once and found.
  t.equal(detectSqlInjection("SELECT 1 WHERE a = 'x' OR 1=1", input("x' OR 1=1"), 'postgres', { alsoAs: ['postgres-backslash'] })?.rule, 'sqli.token-boundary');
  t.equal(detectSqlInjection("SELECT 1 WHERE a = 'b\\'", input('zzz'), 'postgres', { alsoAs: ['postgres-backslash'] }), undefined, 'no input in the query: nothing to judge');
});

t.test('pg sessions: the app’s SET is read until the server reports', async (t) => {
  const client = {};
  t.same(pgReadings(client), ['postgres', 'postgres-backslash'], 'nothing known: both');
  for (const [sql, want] of [
    ['SET standard_conforming_strings = off', ['postgres-backslash']],
    ["SET SESSION standard_conforming_strings TO 'on'", ['postgres']],
    ["SELECT set_config('standard_conforming_strings', 'false', false)", ['postgres-backslash']],
    ['SET LOCAL standard_conforming_strings = 1', ['postgres']],
    ['SET standard_conforming_strings = DEFAULT', ['postgres', 'postgres-backslash']],
    ['RESET ALL', ['postgres', 'postgres-backslash']],
  ] as const) {
    learnPgSetting(client, sql);
    t.same(pgReadings(client), want, sql);
  }
  t.same(pgReadings({}, []), ['postgres', 'postgres-backslash'], 'a pool without clients: both');
  const on = {};
  learnPgSetting(on, 'SET standard_conforming_strings = on');
  const off = {};
  learnPgSetting(off, 'SET standard_conforming_strings = off');
  t.same(pgReadings({}, [on]), ['postgres']);
  t.same(pgReadings({}, [on, off]), ['postgres', 'postgres-backslash'], 'clients that disagree: both');
});
