// Which `?` slots a record value may expand into (mysqljs `key = value` pairs): condition and
// assignment-list starts, and nowhere else, matched to values the way sqlstring counts them.
import t from 'tap';
import { isExpandableRecord, misplacedExpansion } from '../../../src/detect/sql/object-expansion';

const REC = { pass: 1 };

t.test('records where a condition or SET list starts are the app’s own use', async (t) => {
  for (const sql of [
    'INSERT INTO t SET ?',
    'UPDATE t SET ? WHERE id = 1',
    'UPDATE t SET a = 1, ? WHERE id = 2',
    'INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE ?',
    'SELECT * FROM t WHERE ?',
    'select * from t where (?) and ((?))',
    'SELECT * FROM t WHERE a = 1 AND ? OR ?',
    'SELECT * FROM t WHERE NOT ?',
    'SELECT * FROM t WHERE /* c */ ?',
    'SELECT * FROM a JOIN b ON ?',
    'SELECT a FROM t GROUP BY a HAVING ?',
  ]) {
    t.equal(misplacedExpansion(sql, [REC, REC]), undefined, sql);
  }
});

t.test('records in a value slot, a string, a comment or a call are misplaced', async (t) => {
  for (const [sql, offset] of [
    ['SELECT * FROM t WHERE pass = ?', 29],
    ['SELECT * FROM t WHERE id IN (?)', 29],
    ['SELECT * FROM t WHERE a LIKE ?', 29],
    ["SELECT * FROM t WHERE a = '?'", 27],
    ['SELECT * FROM t WHERE a = 1 -- ?', 31],
    ['UPDATE t SET a = CONCAT(b, ?)', 27],
    ['INSERT INTO t VALUES (1, ?)', 25],
    ['SELECT ?', 7],
    ['?', 0],
  ] as const) {
    t.same(misplacedExpansion(sql, [REC]), { index: 0, offset }, sql);
  }
});

t.test('values are matched to placeholders as the formatter matches them', async (t) => {
  const sql = 'SELECT ??, ??? FROM t WHERE a = ? AND ?';
  t.equal(misplacedExpansion(sql, ['col', 'x', REC]), undefined, 'the record lands on AND ?');
  t.same(misplacedExpansion(sql, ['col', REC, 'x']), { index: 1, offset: 32 }, 'the record lands on a = ?');
  t.equal(misplacedExpansion('SELECT ?? FROM t WHERE a = ?', [REC]), undefined, '?? writes an identifier, not pairs');
  t.equal(misplacedExpansion('SELECT * FROM t WHERE a = ?', []), undefined, 'no value');
  t.equal(misplacedExpansion('SELECT * FROM t WHERE a = ? AND b = ?', ['x']), undefined, 'fewer values than placeholders');
});

t.test('only input-shaped records expand', async (t) => {
  t.ok(isExpandableRecord({ a: 1 }));
  t.ok(isExpandableRecord(JSON.parse('{"a":{"b":1}}').a));
  t.ok(isExpandableRecord(Object.create(null)));
  for (const value of [[1], new Date(), Buffer.from('x'), { toSqlString: () => 'NOW()' }, new (class Money {})(), 'x', 1, null, undefined]) {
    t.notOk(isExpandableRecord(value), String(value));
  }
  t.equal(misplacedExpansion('SELECT * FROM t WHERE a = ?', [[{ pass: 1 }]]), undefined, 'a record inside an array is stringified by the driver');
});
