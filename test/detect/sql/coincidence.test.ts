// Text the app wrote itself is not blamed on an input that equals it: keyword phrases,
// fragments of the app's SQL and padded punctuation at first sight, anything once the app
// sent the same text without input (AppTextMemory). Each class has attack twins that stay
// flagged.
import t from 'tap';
import { detectSqlInjection } from '../../../src/detect/sql';
import type { SqlDialect } from '../../../src/detect/sql';
import { AppTextMemory } from '../../../src/detect/app-text';

const input = (value: string) => [{ source: 'query' as const, path: 'q', value }];
const flagged = (sql: string, value: string, dialect: SqlDialect = 'postgres', appTexts?: AppTextMemory) =>
  detectSqlInjection(sql, input(value), dialect, appTexts ? { appTexts } : undefined)?.rule;

t.test('keyword phrases a user types are not refused where the app wrote them', async (t) => {
  const search = 'SELECT id, title FROM posts WHERE title ILIKE $1 ORDER BY created_at DESC LIMIT 20';
  t.equal(flagged(search, 'order by'), undefined);
  t.equal(flagged(search.replace('$1', '?'), 'ORDER BY', 'mysql'), undefined);
  t.equal(flagged('SELECT c, count(*) FROM o WHERE s = $1 GROUP BY c', 'group by'), undefined);
  t.equal(flagged('SELECT * FROM t WHERE a IS NULL AND b = $1', 'is null'), undefined);
  t.equal(flagged('SELECT * FROM t WHERE total IS NOT NULL AND b = $1', 'is not null'), undefined);
  t.equal(flagged('INSERT INTO t (a, b) VALUES ($1, $2)', 'insert into'), undefined);
  t.equal(flagged('SELECT * FROM u LEFT JOIN o ON o.u = u.id WHERE u.e = $1', 'left join'), undefined);
});

t.test('keyword phrases that compare or join are attacks, and so is a phrase in a value slot', async (t) => {
  t.equal(flagged('SELECT * FROM o WHERE deleted = null is null AND owner = 5', 'null is null'), 'sqli.token-boundary');
  t.equal(flagged('SELECT * FROM o WHERE owner = 5 or true', '5 or true'), 'sqli.token-boundary');
  t.equal(flagged('SELECT * FROM o WHERE owner = 1 union select password from users', 'union select'), 'sqli.token-boundary');
  t.equal(flagged('SELECT * FROM o WHERE s = 1 or true', 'or true'), 'sqli.token-boundary');
  t.equal(flagged('SELECT * FROM o WHERE id = IS NULL AND x = 1', 'IS NULL'), 'sqli.token-boundary', 'after =');
  t.equal(flagged('SELECT * FROM o ORDER BY order by LIMIT 10', 'order by'), 'sqli.token-boundary', 'in the ORDER BY slot');
  t.equal(flagged('SELECT * FROM o WHERE id IN (is null)', 'is null'), 'sqli.token-boundary', 'in an IN list');
});

t.test('fragments of the app SQL: one name or number with one bracket, comma or dot', async (t) => {
  t.equal(flagged('SELECT * FROM t WHERE id IN (1, 2)', '2)'), undefined);
  t.equal(flagged('SELECT id, name, email FROM users', 'name,'), undefined);
  t.equal(flagged('SELECT u.name FROM users u', 'u.'), undefined);
  t.equal(flagged('SELECT u.name FROM users u', '.name'), undefined);
  // A bracket the input added leaves the query unbalanced: reported.
  t.equal(flagged('SELECT * FROM t WHERE v = 0) LIMIT 5', '0)'), 'sqli.token-boundary');
  // A name in a value slot is still a name in a value slot.
  t.equal(flagged('SELECT * FROM t WHERE a IN (password, 2)', 'password,'), 'sqli.value-identifier');
  t.equal(flagged('SELECT * FROM t WHERE id IN (1, 2) OR 1=1', '2) OR 1=1'), 'sqli.token-boundary');
});

t.test('single punctuation padded with blanks counts as one character', async (t) => {
  t.equal(flagged('SELECT 1; SELECT 2', ' ; '), undefined);
  t.equal(flagged('SELECT a - b FROM t WHERE c = $1', '  -  '), undefined);
  t.equal(flagged('SELECT a FROM t WHERE c = 1 -- note', ' -- '), 'sqli.comment', 'two characters still open a comment');
  t.equal(flagged('SELECT a FROM t WHERE c = ? # note', ' # ', 'mysql'), 'sqli.comment', 'a MySQL # opens a comment alone');
});

t.test('text the app sent without any input is its own: coincidences are excused, attacks are not', async (t) => {
  const memory = new AppTextMemory();
  const views = 'UPDATE posts SET views = views + 1 WHERE id = $1';
  const commented = 'SELECT id FROM users -- active only\nWHERE deleted_at IS NULL AND id = $1';
  t.equal(flagged(views, 'views', 'postgres', memory), 'sqli.value-identifier', 'first sight: no evidence yet');
  t.equal(flagged(views, 'hello', 'postgres', memory), undefined, 'an earlier request without the input in the text');
  t.equal(memory.size, 1);
  t.equal(flagged(views, 'views', 'postgres', memory), undefined, 'now the app text is known');
  t.equal(flagged(views, 'views + 1', 'postgres', memory), undefined);
  flagged(commented, 'x', 'postgres', memory);
  t.equal(flagged(commented, '--', 'postgres', memory), undefined);
  // The attack text differs from every known text: still flagged.
  t.equal(flagged('UPDATE posts SET views = views + 1000 WHERE id = $1', 'views + 1000', 'postgres', memory), 'sqli.token-boundary');
  const login = (name: string) => `SELECT id FROM users WHERE name = '${name}' AND password = $1`;
  flagged(login('alice'), 'alice', 'postgres', memory); // held its input: not remembered
  flagged(login('bob'), 'unrelated', 'postgres', memory); // no input in it: remembered
  t.equal(flagged(login("admin'--"), "admin'--", 'postgres', memory), 'sqli.comment');
  t.notOk(memory.knows(login('alice')), 'a text that held an input is never remembered');
});

t.test('an input equal to the whole query is never excused by the memory', async (t) => {
  const memory = new AppTextMemory();
  const q = 'DELETE FROM sessions';
  flagged(q, 'x', 'postgres', memory);
  t.equal(flagged(q, 'DELETE FROM sessions', 'postgres', memory), 'sqli.full-query');
  t.notOk(memory.knows('SELECT 1') , 'nothing else was learnt');
  const allowed = detectSqlInjection('SELECT * FROM logs', input('SELECT * FROM logs'), 'postgres', { allowFullQueryInput: true, appTexts: memory });
  t.equal(allowed, undefined);
  t.notOk(memory.knows('SELECT * FROM logs'), 'an admin tool query typed by the user is not the app text');
});

t.test('server variables and session functions in a column slot read server state', async (t) => {
  t.equal(flagged('SELECT @@version FROM t', '@@version', 'mysql'), 'sqli.system-value');
  t.equal(flagged('SELECT id FROM t ORDER BY @@datadir', '@@datadir', 'mysql'), 'sqli.system-value');
  t.equal(flagged('SELECT id, CURRENT_USER FROM t', 'CURRENT_USER'), 'sqli.system-value');
  t.equal(flagged('SELECT id, session_user FROM t', 'session_user', 'mysql'), 'sqli.system-value');
  t.equal(flagged('SELECT id FROM t ORDER BY user', 'user', 'postgres'), 'sqli.system-value', 'PostgreSQL: bare USER is the session user');
  t.equal(flagged('SELECT id FROM t ORDER BY user', 'user', 'mysql'), undefined, 'MySQL: user is an ordinary column name');
  t.equal(flagged('SELECT id FROM t ORDER BY user', 'user', 'sqlite'), undefined, 'SQLite: likewise');
  // Benign twins: a column name, a user variable, the same words inside a string.
  t.equal(flagged('SELECT id, created_at FROM t', 'created_at'), undefined);
  t.equal(flagged('SELECT id FROM t ORDER BY @sort', '@sort', 'mysql'), undefined);
  t.equal(flagged("SELECT * FROM t WHERE a = 'current_user'", 'current_user'), undefined);
});
