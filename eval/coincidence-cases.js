'use strict';
// The coincidence corpus: benign inputs that equal text the app wrote itself, against
// realistic app queries and commands in which the input did NOT end up (parameterized
// queries, fixed commands). Each class also carries attack twins: the same kind of input
// where a vulnerable app did paste it, which must stay flagged.
//
// Entry: [sink, dialect, text the sink receives, input]. For SQL the dialect is the
// detector's; for shell it is ignored.

const POSTS_SEARCH = 'SELECT id, title FROM posts WHERE title ILIKE $1 ORDER BY created_at DESC, id DESC LIMIT 20';
const POSTS_SEARCH_MY = 'SELECT id, title FROM posts WHERE title LIKE ? ORDER BY created_at DESC, id DESC LIMIT 20';
const VIEWS = 'UPDATE posts SET views = views + 1 WHERE id = $1';
const VIEWS_MY = 'UPDATE posts SET views = views + 1 WHERE id = ?';
const COMMENTED = 'SELECT id, name FROM users -- active accounts only\nWHERE deleted_at IS NULL AND id = $1';
const COMMENTED_MY = 'SELECT id, name FROM users # active accounts only\nWHERE deleted_at IS NULL AND id = ?';
const BLOCK_COMMENTED = 'SELECT /* users list */ id, name, email FROM users WHERE org_id = $1 AND role IN (1, 2)';
const REPORT = 'SELECT category, count(*) AS n FROM orders WHERE status = $1 AND total >= 100 GROUP BY category HAVING count(*) > 2 ORDER BY n DESC';
const INSERT = 'INSERT INTO audit_log (user_id, action, detail) VALUES ($1, $2, $3) RETURNING id';
const JOIN = 'SELECT u.name, o.total FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE u.email = $1 AND o.total IS NOT NULL';
const UPSERT_SQLITE = "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
const CONCAT_PG = "SELECT id FROM tags WHERE lower(name) || '-' || id::text = $1 OR slug <> ''";

const HEALTH = 'curl -sf http://redis:6379/ping && curl -sf http://search-api:9200/_cluster/health || echo down';
const THUMB = 'convert /srv/uploads/in.png -resize 50% /srv/thumbs/out.png && echo done';
const GITLOG = 'git log --oneline -n 20 | grep -v Merge';
const BACKUP = 'pg_dump -Fc app > /backups/app.dump; gzip -f /backups/app.dump';

/** Benign: the input occurs in the sink text only because the app wrote the same text. */
const BENIGN = {
  keyword: [
    ['sql', 'postgres', POSTS_SEARCH, 'order by'],
    ['sql', 'mysql', POSTS_SEARCH_MY, 'ORDER BY'],
    ['sql', 'postgres', REPORT, 'group by'],
    ['sql', 'postgres', REPORT, 'group by category'],
    ['sql', 'postgres', REPORT, 'having count'],
    ['sql', 'postgres', JOIN, 'is not null'],
    ['sql', 'postgres', JOIN, 'left join'],
    ['sql', 'postgres', INSERT, 'insert into'],
    ['sql', 'postgres', INSERT, 'values'],
    ['sql', 'sqlite', UPSERT_SQLITE, 'on conflict'],
    ['sql', 'sqlite', UPSERT_SQLITE, 'do update set'],
    ['sql', 'postgres', POSTS_SEARCH, 'desc limit'],
    ['sql', 'postgres', POSTS_SEARCH, 'DESC, id DESC'],
  ],
  operator: [
    ['sql', 'postgres', REPORT, '>='],
    ['sql', 'postgres', REPORT, ' >= '],
    ['sql', 'postgres', CONCAT_PG, '||'],
    ['sql', 'postgres', CONCAT_PG, '<>'],
    ['sql', 'postgres', CONCAT_PG, '::'],
    ['sql', 'postgres', REPORT, '*'],
    ['sql', 'postgres', REPORT, 'count(*)'],
    ['sql', 'postgres', VIEWS, '+ 1'],
    ['sql', 'postgres', JOIN, '='],
  ],
  comment: [
    ['sql', 'postgres', COMMENTED, '--'],
    ['sql', 'postgres', COMMENTED, '-- active'],
    ['sql', 'mysql', COMMENTED_MY, '#'],
    ['sql', 'postgres', BLOCK_COMMENTED, '/*'],
    ['sql', 'postgres', BLOCK_COMMENTED, '*/'],
  ],
  'column name': [
    ['sql', 'postgres', VIEWS, 'views'],
    ['sql', 'mysql', VIEWS_MY, 'views'],
    ['sql', 'postgres', VIEWS, 'views + 1'],
    ['sql', 'postgres', JOIN, 'u.id'],
    ['sql', 'postgres', JOIN, 'o.user_id = u.id'],
    ['sql', 'sqlite', UPSERT_SQLITE, 'excluded.value'],
    ['sql', 'postgres', BLOCK_COMMENTED, 'name,'],
    ['sql', 'postgres', BLOCK_COMMENTED, '2)'],
    ['sql', 'postgres', JOIN, 'u.'],
  ],
  'service host': [
    ['shell', '', HEALTH, 'redis'],
    ['shell', '', HEALTH, 'redis:6379'],
    ['shell', '', HEALTH, 'search-api:9200'],
    ['shell', '', HEALTH, 'http://redis:6379/ping'],
  ],
  separator: [
    ['shell', '', HEALTH, '&&'],
    ['shell', '', HEALTH, '||'],
    ['shell', '', GITLOG, '|'],
    ['shell', '', BACKUP, ';'],
    ['shell', '', BACKUP, '; '],
    ['shell', '', BACKUP, '>'],
    ['shell', '', THUMB, '&& echo'],
    ['sql', 'postgres', 'SELECT 1; SELECT 2', ';'],
    ['sql', 'postgres', 'SELECT 1; SELECT 2', ' ; '],
  ],
};

/**
 * Attack twins: a vulnerable app pastes the input (`{}` marks where); these must be flagged
 * in every mode, including after the app's clean text was seen.
 */
const ATTACKS = {
  keyword: [
    ['sql', 'postgres', "SELECT id, title FROM posts WHERE title ILIKE '%{}%' ORDER BY id DESC", "x%' union all select password, null from users --"],
    ['sql', 'postgres', 'SELECT * FROM orders WHERE deleted = {} AND owner = 5', 'null is null'],
    ['sql', 'postgres', 'SELECT * FROM orders WHERE status = 1 AND owner = {}', '5 or true'],
    ['sql', 'mysql', 'SELECT * FROM orders WHERE owner = {}', '5 union select password from users'],
  ],
  operator: [
    ['sql', 'postgres', 'SELECT * FROM orders WHERE total >= {} ORDER BY id', '0 or 1=1'],
    ['sql', 'postgres', "SELECT id FROM tags WHERE name = '{}'", "' || (select password from users limit 1) || '"],
  ],
  comment: [
    ['sql', 'postgres', "SELECT id FROM users WHERE name = '{}' AND password = $1", "admin'--"],
    ['sql', 'mysql', "SELECT id FROM users WHERE name = '{}' AND password = ?", "admin'#"],
  ],
  'column name': [
    ['sql', 'postgres', 'SELECT * FROM users WHERE password = {}', 'password'],
    ['sql', 'postgres', 'UPDATE posts SET views = {} WHERE id = $1', 'views + 1000000'],
  ],
  'service host': [
    ['shell', '', 'curl -sf http://{}/ping', 'redis:6379/ping;id'],
    ['shell', '', 'ping -c 1 {}', 'redis && cat /etc/passwd'],
  ],
  separator: [
    ['shell', '', 'convert /srv/uploads/{} -resize 50% /srv/thumbs/out.png', 'in.png; rm -rf /srv'],
    ['shell', '', 'git log --oneline -n 20 {}', '| nc 127.0.0.1 9'],
    ['sql', 'postgres', 'SELECT * FROM t WHERE id = {}', '1; DROP TABLE t'],
  ],
};

module.exports = { BENIGN, ATTACKS };
