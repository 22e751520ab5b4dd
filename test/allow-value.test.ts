// Validated structure: allow.values (per route and input, a set of values or a pattern) and
// rampart.allow(value) from code that validated it. Real HTTP server on loopback, real
// SQLite file; every refusal proves the table is intact and the server still answers.
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { allow, start, stop } from '../src/index';
import { closeServer, listen, request } from './helpers/http';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadDatabase = () => require('better-sqlite3') as typeof import('better-sqlite3');

t.teardown(stop);

function app(useAllowApi: boolean) {
  const Database = loadDatabase();
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'rampart-allow-')), 'posts.db'));
  db.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, views INTEGER); INSERT INTO posts (title, views) VALUES ('b', 5), ('a', 9), ('c', 1)");
  const SORTS = new Set(['title asc', 'views desc, id asc', 'views desc']);
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    let sort = url.searchParams.get('sort') ?? url.searchParams.get('order') ?? 'id asc';
    // The app's own check: only listed sort orders get here (or none, to prove the refusal).
    if (useAllowApi) {
      if (!SORTS.has(sort)) sort = 'id asc';
      else allow(sort);
    }
    try {
      const rows = db.prepare(`SELECT title FROM posts ORDER BY ${sort}`).all() as { title: string }[];
      res.end(rows.map((r) => r.title).join(','));
    } catch (error) {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end(String(error));
      }
    }
  });
  return { db, server };
}

const tableOk = (db: { prepare(sql: string): { get(): unknown } }) => (db.prepare('SELECT COUNT(*) AS n FROM posts').get() as { n: number }).n === 3;

t.test('without a rule, validated structure is refused (the false positive being fixed)', async (t) => {
  stop();
  start({ logLevel: 'silent' });
  const { db, server } = app(false);
  const base = await listen(server);
  t.equal((await request(`${base}/posts?sort=${encodeURIComponent('views desc, id asc')}`)).status, 403);
  t.equal((await request(`${base}/posts?sort=title`)).text, 'a,b,c', 'still serving');
  t.ok(tableOk(db));
  await closeServer(server);
});

t.test('allow.values: listed values and pattern matches pass on that route only; others stay refused', async (t) => {
  stop();
  start({
    logLevel: 'silent',
    allow: {
      values: [
        { method: 'GET', path: '/posts', source: 'query', name: 'sort', values: ['views desc, id asc'], kinds: ['sql_injection'] },
        { path: '/posts', source: 'query', name: 'sort', pattern: '(title|views|id) (asc|desc)(, (title|views|id) (asc|desc))*' },
      ],
    },
  } as never);
  const { db, server } = app(false);
  const base = await listen(server);
  t.equal((await request(`${base}/posts?sort=${encodeURIComponent('views desc, id asc')}`)).text, 'a,b,c');
  t.equal((await request(`${base}/posts?sort=${encodeURIComponent('title desc, id asc')}`)).text, 'c,b,a', 'pattern');
  const attack = 'views desc; DROP TABLE posts';
  t.equal((await request(`${base}/posts?sort=${encodeURIComponent(attack)}`)).status, 403, 'not listed, no pattern match');
  const sneaky = '(select 1), title desc';
  t.equal((await request(`${base}/posts?sort=${encodeURIComponent(sneaky)}`)).status, 403);
  t.equal((await request(`${base}/other?sort=${encodeURIComponent('views desc, id asc')}`)).status, 403, 'another route is not covered');
  t.equal((await request(`${base}/posts?order=${encodeURIComponent('views desc, id asc')}`)).status, 403, 'another input is not covered');
  t.ok(tableOk(db), 'table still there');
  t.equal((await request(`${base}/posts?sort=title`)).text, 'a,b,c', 'process still up');
  await closeServer(server);
});

t.test('rampart.allow(value): what the app validated passes; what it did not is refused', async (t) => {
  stop();
  start({ logLevel: 'silent' });
  const { db, server } = app(true);
  const base = await listen(server);
  t.equal((await request(`${base}/posts?sort=${encodeURIComponent('views desc, id asc')}`)).text, 'a,b,c');
  // The attacker sends the same text in another input that the app pastes unvalidated: the
  // app only validated `sort`, but the exact value is the validated one, so it is allowed;
  // any other text in any input is still judged.
  const attack = 'views desc; DROP TABLE posts';
  t.equal((await request(`${base}/posts?sort=${encodeURIComponent(attack)}`)).text, 'b,a,c', 'the app replaced the unlisted value');
  t.ok(tableOk(db));
  t.equal(allow('outside any request'), 'outside any request', 'returns the value; nothing recorded outside a request');
  await closeServer(server);
});

t.test('config errors name the key', async (t) => {
  stop();
  t.throws(() => start({ allow: { values: [{ path: '/x', source: 'query', name: 'sort' }] } } as never), /allow\.values\[0\]/);
  t.throws(() => start({ allow: { values: [{ path: '/x', source: 'query', name: 'sort', pattern: '(' }] } } as never), /allow\.values\[0\]\.pattern/);
  stop();
});
