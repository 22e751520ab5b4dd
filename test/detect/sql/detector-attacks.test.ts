// Classic injections, built the way a vulnerable app builds them: by pasting the input into
// the query text. Each row: dialect, query as the database receives it, the input, the rule.

import t from 'tap';
import { detectSqlInjection } from '../../../src/detect/sql';
import type { SqlDialect } from '../../../src/detect/sql';
import { input, ruleFor } from './fixtures/helpers';

type Row = readonly [SqlDialect, string, string, string];

const ROWS: readonly Row[] = [
  // Breaking out of a string literal.
  ['sqlite', "SELECT * FROM users WHERE name = '' OR '1'='1'", "' OR '1'='1", 'sqli.token-boundary'],
  ['postgres', "SELECT * FROM users WHERE name = '' OR '1'='1'", "' OR '1'='1", 'sqli.token-boundary'],
  ['mysql', "SELECT * FROM users WHERE name = '' OR '1'='1'", "' OR '1'='1", 'sqli.token-boundary'],
  ['mysql', 'SELECT * FROM users WHERE name = "x" OR "1"="1"', 'x" OR "1"="1', 'sqli.token-boundary'],
  // Numeric slot.
  ['postgres', 'SELECT * FROM users WHERE id = 42 OR 1=1', '42 OR 1=1', 'sqli.token-boundary'],
  ['sqlite', 'SELECT * FROM users WHERE id = 1 OR 1=1', '1 OR 1=1', 'sqli.token-boundary'],
  ['mysql', 'SELECT * FROM users WHERE id = 1--1', '1--1', 'sqli.token-boundary'],
  // Stacked queries.
  ['postgres', 'SELECT * FROM users WHERE id = 1; DROP TABLE users', '1; DROP TABLE users', 'sqli.stacked-query'],
  ['sqlite', 'SELECT * FROM users WHERE id = 1; DROP TABLE users', '1; DROP TABLE users', 'sqli.stacked-query'],
  ['mysql', "SELECT * FROM t WHERE a = ''; DELETE FROM t; -- '", "'; DELETE FROM t; -- ", 'sqli.stacked-query'],
  // Comments that cut the rest of the query.
  ['postgres', "SELECT * FROM users WHERE name = 'admin'--' AND password = 'x'", "admin'--", 'sqli.comment'],
  ['sqlite', "SELECT * FROM users WHERE name = 'admin'--' AND password = 'x'", "admin'--", 'sqli.comment'],
  ['mysql', "SELECT * FROM users WHERE name = 'admin'-- ' AND password = 'x'", "admin'-- ", 'sqli.comment'],
  ['mysql', "SELECT * FROM users WHERE name = 'admin'#' AND password = 'x'", "admin'#", 'sqli.comment'],
  ['sqlite', "SELECT * FROM t WHERE a = 'x' /*' AND b = 1", "x' /*", 'sqli.comment'],
  ['mysql', "SELECT * FROM t WHERE a = 'x' /*' AND b = 1", "x' /*", 'sqli.comment'],
  ['postgres', "SELECT * FROM t WHERE a = 'x' /*' AND b = 1", "x' /*", 'sqli.comment'],
  ['postgres', 'SELECT * FROM t WHERE id = 1 /* /* */ OR 1=1 */', '1 /* /* */ OR 1=1 */', 'sqli.comment'],
  // UNION from a parenthesised slot.
  ['postgres', 'SELECT * FROM t WHERE id IN (1) UNION SELECT usename, passwd FROM pg_shadow', '1) UNION SELECT usename, passwd FROM pg_shadow', 'sqli.token-boundary'],
  ['sqlite', "SELECT * FROM t WHERE id IN (1) UNION SELECT name, sql FROM sqlite_master --)", '1) UNION SELECT name, sql FROM sqlite_master --', 'sqli.comment'],
  // MySQL executable comments run their content.
  ['mysql', 'SELECT * FROM t WHERE id = 1 /*!50000 UNION*/ SELECT password FROM users', '1 /*!50000 UNION*/ SELECT password FROM users', 'sqli.executable-comment'],
  ['mysql', "SELECT * FROM t WHERE id = '1' /*!UNION*/ SELECT 2 -- '", "1' /*!UNION*/ SELECT 2 -- ", 'sqli.executable-comment'],
  ['mysql', 'SELECT * FROM t WHERE id = 1/*M!100100 OR 1=1*/', '1/*M!100100 OR 1=1*/', 'sqli.executable-comment'],
  // PostgreSQL quoting forms.
  ['postgres', 'SELECT $$x$$ || pg_sleep(10) || $$$$', 'x$$ || pg_sleep(10) || $$', 'sqli.token-boundary'],
  ['postgres', "SELECT * FROM t WHERE a = E'\\\\' OR 1=1 --'", "\\\\' OR 1=1 --", 'sqli.comment'],
  ['postgres', "SELECT * FROM t WHERE a = 'x'::text OR 'a'='a'", "x'::text OR 'a'='a", 'sqli.token-boundary'],
  // Column references where a value belongs: WHERE password = password is always true.
  ['postgres', 'SELECT * FROM users WHERE password = password', 'password', 'sqli.value-identifier'],
  ['sqlite', 'SELECT * FROM users WHERE id IN (1, id)', 'id', 'sqli.value-identifier'],
  ['postgres', 'SELECT * FROM users WHERE name LIKE name', 'name', 'sqli.value-identifier'],
  ['postgres', 'SELECT * FROM users WHERE password = users.password', 'users.password', 'sqli.value-identifier'],
  ['postgres', 'SELECT * FROM users WHERE password = "password"', '"password"', 'sqli.value-identifier'],
  ['mysql', 'SELECT * FROM users WHERE id = @@version', '@@version', 'sqli.value-identifier'],
  ['postgres', 'SELECT * FROM users WHERE owner = current_user', 'current_user', 'sqli.value-identifier'],
  // Operators alone.
  ['postgres', "SELECT * FROM t WHERE a = 'x' || 'y'", "' || '", 'sqli.token-boundary'],
  ['sqlite', 'SELECT * FROM t WHERE a = 1 || 2', '||', 'sqli.operator'],
  // Unterminated queries fail closed.
  ['postgres', "SELECT * FROM users WHERE name = '''", "'", 'sqli.unterminated'],
  ['sqlite', "SELECT * FROM users WHERE name = 'x''", "x'", 'sqli.unterminated'],
  ['mysql', "SELECT * FROM users WHERE name = 'x\\'", 'x\\', 'sqli.unterminated'],
  ['postgres', 'SELECT * FROM t WHERE a = $$x', '$$x', 'sqli.unterminated'],
  ['postgres', 'SELECT * FROM t WHERE "a = 1', '"a', 'sqli.unterminated'],
  ['mysql', 'SELECT * FROM t WHERE id = 1 /*!50000 OR 1=1', 'OR', 'sqli.unterminated'],
  ['postgres', "SELECT * FROM t WHERE a = '1\0UNION SELECT 2--'", '1\0UNION SELECT 2--', 'sqli.unterminated'],
  ['sqlite', "SELECT * FROM t WHERE a = ''' or 1=1;\0'", "' or 1=1;\0", 'sqli.unterminated'],
  // Breaking out of a string to widen an IN list.
  ['postgres', "SELECT * FROM t WHERE owner IN ('me', 'you')", "me', 'you", 'sqli.token-boundary'],
  ['mysql', 'SELECT * FROM t WHERE id = 1 /*!50000 OR 1=1', '1 /*!50000 OR 1=1', 'sqli.executable-comment'],
];

for (const [dialect, query, value, rule] of ROWS) {
  t.equal(ruleFor(query, value, dialect), rule, `${dialect}: ${JSON.stringify(value)} -> ${rule}`);
}

t.test('the detection names the input and explains itself', async (t) => {
  const bad = input("' OR '1'='1", 'user.name');
  const found = detectSqlInjection("SELECT 1 FROM t WHERE a = '' OR '1'='1'", [input('hello'), bad], 'sqlite');
  t.ok(found);
  t.equal(found?.kind, 'sql_injection');
  t.equal(found?.input, bad, 'the very UserInput object');
  t.equal(found?.rule, 'sqli.token-boundary');
  t.match(found?.reason, /^[A-Z].*\.$/, 'one sentence');
});

t.test('case changes made by the app do not hide the input', async (t) => {
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'x' or 1=1--'", "X' OR 1=1--", 'postgres'), 'sqli.comment', 'lower-cased');
  t.equal(ruleFor("SELECT * FROM T WHERE A = 'X' OR 1=1--'", "x' or 1=1--", 'postgres'), 'sqli.comment', 'upper-cased');
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'ÉCOLE' OR 1=1 --'", "école' or 1=1 --", 'sqlite'), 'sqli.comment', 'non-ASCII letters');
});

t.test('every occurrence must be safe', async (t) => {
  const q = "SELECT * FROM t WHERE a = '1 OR 1=1' AND b = 1 OR 1=1";
  t.equal(ruleFor(q, '1 OR 1=1', 'postgres'), 'sqli.token-boundary', 'one safe, one not');
});

t.test('an unterminated query blames the input at the broken token', async (t) => {
  const q = "SELECT a, b FROM t WHERE name = 'x''";
  const found = detectSqlInjection(q, [input(',', 'page'), input("x'", 'name')], 'postgres');
  t.equal(found?.rule, 'sqli.unterminated');
  t.equal(found?.input.path, 'name');
  const onlyEarlier = detectSqlInjection(q, [input(',', 'page')], 'postgres');
  t.equal(onlyEarlier?.input.path, 'page', 'with no other candidate, any input found is blamed');
});

t.test('escaping meant for another dialect is seen through', async (t) => {
  // The app doubles quotes (standard SQL), but MySQL reads \' as an escaped quote: the doubled
  // quote then closes the string and the rest runs. Only the escaped form occurs in the query.
  const value = "\\' OR 1=1 -- ";
  const query = `SELECT * FROM t WHERE a = '${value.replace(/'/g, "''")}'`;
  t.equal(ruleFor(query, value, 'mysql'), 'sqli.comment');
  t.equal(ruleFor(query, value, 'postgres'), undefined, 'the same text is one literal in PostgreSQL');
  const backslashed = `SELECT * FROM t WHERE a = '${value.replace(/[\\']/g, (c) => '\\' + c)}'`;
  t.equal(ruleFor(backslashed, value, 'mysql'), undefined, 'correct MySQL escaping');
});
