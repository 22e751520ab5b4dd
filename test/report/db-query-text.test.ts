// db.query.text: parameterized queries as written, others with literals redacted; an
// attacker's own placeholder does not count as the app's.
import t from 'tap';
import { dbQueryText } from '../../src/report/db-query-text';

t.test('parameterized: kept as written, in every dialect', async (t) => {
  t.equal(dbQueryText("SELECT * FROM t WHERE id = ? AND kind = 'x' ORDER BY name", 'sqlite', 'name'), "SELECT * FROM t WHERE id = ? AND kind = 'x' ORDER BY name");
  t.equal(dbQueryText("SELECT * FROM t WHERE id = $1 AND kind = 'x'", 'postgresql', 'zz'), "SELECT * FROM t WHERE id = $1 AND kind = 'x'");
  t.equal(dbQueryText("SELECT * FROM t WHERE id = ? AND kind = 'x'", 'mariadb', 'zz'), "SELECT * FROM t WHERE id = ? AND kind = 'x'");
});

t.test('not parameterized: every string and number literal redacted', async (t) => {
  t.equal(dbQueryText("SELECT * FROM t WHERE name = '' OR '1'='1' AND key = 'sk_live_1'", 'sqlite', "' OR '1'='1"), 'SELECT * FROM t WHERE name = ? OR ?=? AND key = ?');
  t.equal(dbQueryText("SELECT * FROM t WHERE id = 42 AND k = 'a'", 'mysql', '42'), 'SELECT * FROM t WHERE id = ? AND k = ?');
  t.equal(dbQueryText("SELECT 'a'", 'unknown-db', 'x'), 'SELECT ?', 'unknown system: still redacted');
});

t.test("a placeholder inside the attacker's input does not unlock the app's literals", async (t) => {
  const input = "' OR id = ? --";
  const query = `SELECT * FROM t WHERE secret = 'sk_live_1' AND name = '${input}'`;
  t.equal(dbQueryText(query, 'sqlite', input), 'SELECT * FROM t WHERE secret = ? AND name = ? OR id = ? --?');
  t.notMatch(dbQueryText(query, 'sqlite', input), /sk_live_1/);
});
