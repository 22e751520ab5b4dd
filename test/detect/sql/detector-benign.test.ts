// Inputs that only contribute values, and the explicit special cases of DESIGN.md section 3.

import t from 'tap';
import { detectSqlInjection } from '../../../src/detect/sql';
import type { SqlDialect } from '../../../src/detect/sql';
import { DIALECTS, escapeLiteral, input, ruleFor } from './fixtures/helpers';

/** The query a careful app builds: the value escaped inside a string literal. */
function quoted(dialect: SqlDialect, value: string): string {
  return `SELECT * FROM users WHERE name = '${escapeLiteral(value, dialect)}' AND active = 1`;
}

t.test('values inside correctly escaped string literals', async (t) => {
  const values = [
    'hello world', 'john@example.com', '2024-01-01', "O'Brien", "it's -- fine", 'a /* b */ c',
    "'; DROP TABLE users; --", "' OR '1'='1", 'Zürich 東京 🎉', 'back\\slash', '$$ $1 ?', '"quoted"',
    'O', "O'", "''", 'select', '1; 2',
  ];
  for (const dialect of DIALECTS) {
    for (const value of values) {
      t.equal(ruleFor(quoted(dialect, value), value, dialect), undefined, `${dialect}: ${JSON.stringify(value)}`);
    }
  }
  // The app's own escaping, seen as an input (a decoded variant may carry it).
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'O''Brien'", "O''Brien", 'postgres'), undefined);
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'O''Brien'", "O''Brien", 'sqlite'), undefined);
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'O\\'Brien'", "O\\'Brien", 'mysql'), undefined);
  t.equal(ruleFor("SELECT * FROM t WHERE a = E'\\' OR 1=1 --'", "\\' OR 1=1 --", 'postgres'), undefined, "E'' keeps \\' inside");
  t.equal(ruleFor("SELECT * FROM t WHERE a = $$it's' OR 1=1$$", "it's' OR 1=1", 'postgres'), undefined, 'dollar-quoted');
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'multi' \n 'x'", "multi' \n 'x", 'postgres'), undefined, 'continued literal');
});

t.test('inputs that are part of a longer literal or token', async (t) => {
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'xabcx'", 'abc', 'postgres'), undefined);
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'abc' AND b = 'zabc'", 'abc', 'mysql'), undefined);
  t.equal(ruleFor('SELECT username FROM t', 'name', 'sqlite'), undefined, 'inside an identifier');
  t.equal(ruleFor('SELECT * FROM t WHERE id = 12345', '234', 'postgres'), undefined, 'inside a number');
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'aaaa'", 'aa', 'sqlite'), undefined, 'overlapping occurrences');
});

t.test('numeric slots and number lists', async (t) => {
  for (const dialect of DIALECTS) {
    t.equal(ruleFor('SELECT * FROM t WHERE id = 42', '42', dialect), undefined, `${dialect}: 42`);
    t.equal(ruleFor('SELECT * FROM t WHERE p > 3.14', '3.14', dialect), undefined, `${dialect}: 3.14`);
    t.equal(ruleFor('SELECT * FROM t WHERE d > -5', '-5', dialect), undefined, `${dialect}: -5`);
    t.equal(ruleFor('SELECT * FROM t WHERE id IN (1,2,3)', '1,2,3', dialect), undefined, `${dialect}: 1,2,3`);
    t.equal(ruleFor('SELECT * FROM t WHERE id IN (1, -2, +3)', '1, -2, +3', dialect), undefined, `${dialect}: signs`);
    t.equal(ruleFor('SELECT * FROM t WHERE id IN (1,1,1,1,1)', '1,1,1', dialect), undefined, `${dialect}: overlapping list`);
    t.equal(ruleFor('SELECT * FROM t WHERE d = 2024-01-01', '2024-01-01', dialect), 'sqli.token-boundary', `${dialect}: arithmetic is not a list`);
    t.equal(ruleFor('SELECT * FROM t WHERE id IN (1,2) OR (1=1)', '1,2) OR (1=1', dialect), 'sqli.token-boundary', `${dialect}: list then code`);
  }
  t.equal(ruleFor('SELECT * FROM t LIMIT 10, 20', '10, 20', 'mysql'), undefined, 'MySQL LIMIT offset, count');
  for (const dialect of DIALECTS) {
    t.equal(ruleFor("SELECT * FROM t WHERE a IN ('x', ' ', 10)", "'x', ' ', 10", dialect), undefined, `${dialect}: whole literals`);
    t.equal(ruleFor("SELECT * FROM t WHERE a IN ('x', 'y')", "x', 'y", dialect), 'sqli.token-boundary', `${dialect}: strings cut open`);
    t.equal(ruleFor("SELECT * FROM t WHERE a IN ('x', -'y')", "'x', -'y'", dialect), 'sqli.token-boundary', `${dialect}: signs go with numbers`);
  }
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'x\0y'", 'x\0y', 'mysql'), undefined, 'NUL inside a MySQL string');
});

t.test('identifier slots (ORDER BY, dynamic columns)', async (t) => {
  const orderBy = (col: string) => `SELECT * FROM users ORDER BY ${col}`;
  for (const dialect of DIALECTS) {
    for (const col of ['name', 'name DESC', 'created_at asc', 'users.name', 'public.users.name DESC', '2 DESC']) {
      t.equal(ruleFor(orderBy(col), col, dialect), undefined, `${dialect}: ORDER BY ${col}`);
    }
    for (const col of ['name; DROP TABLE users', '(CASE WHEN 1=1 THEN name ELSE id END)', '1,(select 1)', 'name, (SELECT 1)', 'name DESC, id', 'or desc', 'sleep(5)']) {
      t.ok(ruleFor(orderBy(col), col, dialect), `${dialect}: ORDER BY ${col} is an attack`);
    }
    t.equal(ruleFor('SELECT * FROM t WHERE status = 1', 'status', dialect), undefined, `${dialect}: column left of =`);
    t.equal(ruleFor('SELECT status FROM t', 'status', dialect), undefined, `${dialect}: select list`);
  }
  t.equal(ruleFor('SELECT * FROM users ORDER BY "Name"', '"Name"', 'postgres'), undefined, 'quoted identifier');
  t.equal(ruleFor('SELECT * FROM users ORDER BY `Name` DESC', '`Name` DESC', 'mysql'), undefined, 'backticks');
  t.equal(ruleFor('SELECT * FROM users ORDER BY [Name]', '[Name]', 'sqlite'), undefined, 'brackets');
  t.equal(ruleFor('SELECT * FROM users WHERE password = "password"', '"password"', 'mysql'), undefined, 'a MySQL "string" is a value');
  t.equal(ruleFor('SELECT * FROM users u JOIN t ON t.uid = u.id WHERE t.x = 1', 'u', 'postgres'), undefined, 'a table qualifier');
});

t.test('single words and keywords', async (t) => {
  t.equal(ruleFor("SELECT * FROM t WHERE title LIKE '%select%'", 'select', 'postgres'), undefined, 'search term equal to a keyword');
  t.equal(ruleFor("select * from t where a = 1 and title like '%and%'", 'and', 'sqlite'), undefined, 'keyword written lower-case by the app');
  t.equal(ruleFor('SELECT * FROM t WHERE active = true', 'true', 'postgres'), undefined, 'value keyword');
  t.equal(ruleFor('SELECT * FROM t WHERE deleted_at IS NULL', 'null', 'mysql'), undefined);
  t.equal(ruleFor('SELECT * FROM t ORDER BY name DESC', 'DESC', 'sqlite'), undefined, 'sort direction');
});

t.test('short inputs', async (t) => {
  for (const dialect of DIALECTS) {
    t.equal(ruleFor("SELECT 'a", 'a', dialect), undefined, `${dialect}: one letter is skipped even when unterminated`);
    t.equal(ruleFor("SELECT 1 FROM t WHERE a = '7'", '7', dialect), undefined);
    t.equal(ruleFor("SELECT a, b FROM t WHERE x = '-' AND y = (1 * 2);", '-', dialect), undefined, 'punctuation');
    t.equal(ruleFor('SELECT * FROM t;', ';', dialect), undefined);
    t.equal(ruleFor('SELECT * FROM t', '*', dialect), undefined);
    t.equal(ruleFor("SELECT * FROM t WHERE a = ''''", "'", dialect === 'mysql' ? 'sqlite' : dialect), undefined, 'an escaped quote');
  }
  t.equal(ruleFor("SELECT * FROM t WHERE a = '\\''", "'", 'mysql'), undefined, 'MySQL escaped quote');
  t.equal(ruleFor('SELECT * FROM t WHERE id = 1 # x', '#', 'mysql'), 'sqli.comment', '# alone opens a MySQL comment');
});

t.test('comments written by the app', async (t) => {
  t.equal(ruleFor('SELECT /* user: bob smith */ 1', 'bob smith', 'postgres'), undefined);
  t.equal(ruleFor('SELECT 1 -- requested by bob\n', 'bob', 'sqlite'), undefined);
  t.equal(ruleFor('SELECT 1 # requested by bob\n', 'by bob', 'mysql'), undefined);
  t.equal(ruleFor('SELECT 1 -- x', '-- x', 'postgres'), 'sqli.comment', 'but not the comment itself');
  t.equal(ruleFor('SELECT 1 /* x */', 'x */', 'postgres'), 'sqli.comment', 'nor its end');
});

t.test('placeholders are the app\'s', async (t) => {
  t.equal(ruleFor('SELECT * FROM t WHERE price = $1', '$1', 'postgres'), undefined, 'a price typed as $1');
  t.equal(ruleFor('SELECT * FROM t WHERE a = :id', ':id', 'sqlite'), undefined);
  t.equal(ruleFor('SELECT * FROM t WHERE a = :id', 'id', 'sqlite'), undefined);
});

t.test('whole-query inputs', async (t) => {
  const q = 'SELECT * FROM users';
  t.equal(ruleFor(q, q, 'postgres'), 'sqli.full-query');
  t.equal(ruleFor(`  ${q}\n`, ` ${q} `, 'postgres'), 'sqli.full-query', 'ignoring surrounding whitespace');
  t.equal(ruleFor(q, `${q}\n\n`, 'postgres'), 'sqli.full-query', 'an input the app trimmed');
  t.equal(ruleFor(q, q, 'postgres', { allowFullQueryInput: true }), undefined);
  t.equal(ruleFor(q, q, 'mysql', { allowFullQueryInput: true }), undefined, 'admin tools');
  t.equal(
    ruleFor("SELECT * FROM t WHERE a = '' OR 1=1 --'", "' OR 1=1 --", 'sqlite', { allowFullQueryInput: true }),
    'sqli.comment',
    'the option does not trust partial inputs',
  );
});

t.test('nothing to do', async (t) => {
  t.equal(detectSqlInjection('SELECT 1', [], 'postgres'), undefined, 'no inputs');
  t.equal(detectSqlInjection('', [input("'")], 'postgres'), undefined, 'empty query');
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'x'", '', 'sqlite'), undefined, 'empty input');
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'x", '   ', 'sqlite'), undefined, 'blank input');
  t.equal(ruleFor("SELECT * FROM t WHERE a = 'x'", 'not in the query', 'sqlite'), undefined);
  t.equal(ruleFor('SELECT 1', 'SELECT 1 OR 2', 'sqlite'), undefined, 'longer than the query');
  const odd = [{ source: 'body', path: 'n', value: 42 }, null] as unknown as Parameters<typeof detectSqlInjection>[1];
  t.equal(detectSqlInjection('SELECT 42', odd, 'postgres'), undefined, 'non-string values and holes are ignored');
});
