import t from 'tap';
import { redactSqlLiterals } from '../../../src/detect/sql';

t.test('string and number literals become ?', async (t) => {
  t.equal(
    redactSqlLiterals("SELECT * FROM users WHERE name = 'O''Brien' AND age > 42 AND id IN (1, 2.5, -3)", 'postgres'),
    'SELECT * FROM users WHERE name = ? AND age > ? AND id IN (?, ?, -?)',
  );
  t.equal(redactSqlLiterals("SELECT E'a\\'b', $$x$$, $t$y$t$, B'101', X'ff', U&'d'", 'postgres'), 'SELECT ?, ?, ?, ?, ?, ?');
  t.equal(redactSqlLiterals(`SELECT "col", 'secret' FROM "t" WHERE a = $1`, 'postgres'), 'SELECT "col", ? FROM "t" WHERE a = $1', 'identifiers and placeholders stay');
  t.equal(redactSqlLiterals(`SELECT 'a\\'b', "dq", \`col\`, _utf8mb4'x', 0x1F FROM t WHERE a = ?`, 'mysql'), 'SELECT ?, ?, `col`, ?, ? FROM t WHERE a = ?', 'MySQL "" is a string');
  t.equal(redactSqlLiterals(`SELECT "col", [c], X'00' FROM t WHERE a = :a AND b = 7`, 'sqlite'), 'SELECT "col", [c], ? FROM t WHERE a = :a AND b = ?');
});

t.test('comments, layout and unterminated literals', async (t) => {
  t.equal(redactSqlLiterals('SELECT 1 -- note 2\n  FROM t', 'sqlite'), 'SELECT ? -- note 2\n  FROM t', 'comments are kept');
  t.equal(redactSqlLiterals("SELECT * FROM t WHERE a = 'x' OR 'open", 'mysql'), 'SELECT * FROM t WHERE a = ? OR ?', 'an open string hides the rest');
  t.equal(redactSqlLiterals('SELECT now()', 'postgres'), 'SELECT now()', 'nothing to redact');
  t.equal(redactSqlLiterals('', 'postgres'), '');
});

t.test("the app's literals are redacted from its template, whatever quote the input adds", async (t) => {
  const query = (input: string) => `SELECT * FROM users WHERE name = '${input}' AND api_key = 'sk_live_SECRET42' LIMIT 10`;
  for (const input of ["x'", "x' --", "x' OR 1=1 --", "x'' AND api_key = '", "' AND api_key = '", "\\'", 'sk']) {
    for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
      const redacted = redactSqlLiterals(query(input), dialect, { value: input, hide: false });
      t.notMatch(redacted, /SECRET42|sk_live/, `${dialect} ${JSON.stringify(input)}: ${redacted}`);
      t.match(redacted, /^SELECT \* FROM users WHERE name = \?/, 'the shape before the input stays');
    }
  }
  t.equal(redactSqlLiterals(query("x' --"), 'postgres'), "SELECT * FROM users WHERE name = ? --' AND api_key = 'sk_live_SECRET42' LIMIT 10", 'without the input, the shifted reading alone leaks (the case this guards)');
  t.equal(redactSqlLiterals(query("x' --"), 'postgres', { value: "x' --", hide: false }), 'SELECT * FROM users WHERE name = ? --? AND api_key = ? LIMIT ?', 'the injected comment stays visible');
  t.equal(redactSqlLiterals("SELECT * FROM t WHERE id = hunter2 OR 1=1", 'postgres', { value: 'hunter2 OR 1=1', hide: true }), 'SELECT * FROM t WHERE id = ?', 'a secret input is hidden even in code position');
  t.equal(redactSqlLiterals(query('alice'), 'postgres', { value: 'alice', hide: false }), 'SELECT * FROM users WHERE name = ? AND api_key = ? LIMIT ?', 'a benign input changes nothing');
  t.equal(redactSqlLiterals('SELECT * FROM t WHERE id = 1 OR 1=1', 'postgres', { value: '1 OR 1=1', hide: false }), 'SELECT * FROM t WHERE id = ? OR ?=?', 'an input in code position keeps its shape');
  t.equal(redactSqlLiterals("SELECT 'a' || x", 'postgres', { value: 'not there', hide: false }), 'SELECT ? || x', 'an input absent from the query');
});
