// The public surface of src/detect/sql, as the guard, the eval and the reporters use it.

import t from 'tap';
import * as sql from '../../../src/detect/sql';

t.test('exports', async (t) => {
  t.type(sql.detectSqlInjection, 'function');
  t.type(sql.tokenizeSql, 'function');
  t.type(sql.redactSqlLiterals, 'function');
  t.same(
    Object.values(sql.SQL_RULES).sort(),
    [
      'sqli.comment', 'sqli.executable-comment', 'sqli.full-query', 'sqli.object-expansion', 'sqli.operator', 'sqli.stacked-query',
      'sqli.system-value', 'sqli.token-boundary', 'sqli.unterminated', 'sqli.value-identifier',
    ],
    'stable rule ids',
  );
});

t.test('token objects', async (t) => {
  const tokens: sql.SqlToken[] = sql.tokenizeSql("SELECT a FROM t WHERE b = 'x", 'sqlite');
  t.same(
    tokens.map((tok) => [tok.kind, tok.start, tok.end, tok.text, tok.unterminated]),
    [
      ['word', 0, 6, 'SELECT', false],
      ['word', 7, 8, 'a', false],
      ['word', 9, 13, 'FROM', false],
      ['word', 14, 15, 't', false],
      ['word', 16, 21, 'WHERE', false],
      ['word', 22, 23, 'b', false],
      ['operator', 24, 25, '=', false],
      ['string', 26, 28, "'x", true],
    ],
  );
});

t.test('the shared token buffer is not disturbed by a huge query', async (t) => {
  const huge = 'SELECT ' + '1,'.repeat(100_000) + "1 FROM t WHERE a = '' OR 1=1 --'";
  t.equal(sql.detectSqlInjection(huge, [{ source: 'body', path: 'a', value: "' OR 1=1 --" }], 'postgres')?.rule, 'sqli.comment');
  const small = "SELECT * FROM t WHERE a = '' OR 1=1 --'";
  t.equal(sql.detectSqlInjection(small, [{ source: 'body', path: 'a', value: "' OR 1=1 --" }], 'postgres')?.rule, 'sqli.comment', 'later calls still work');
});
