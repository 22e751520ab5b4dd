// App Router route handlers and Pages Router API routes of a real Next.js 16 app under
// `NODE_OPTIONS=--require rampart/register next start`: every input Next hands the app
// (query, route params, JSON read with request.json(), forms read with request.formData(),
// urlencoded and multipart), each sink kind, the block answered as JSON 403 and the
// server still up; Next's own x-forwarded-* headers are not taken for the client's input.
import { existsSync } from 'node:fs';
import t, { type Test } from 'tap';
import { postJson, request } from '../helpers/http';
import { INTERNAL_SECRET, SECRET, pgRows, startNextApp, type NextApp } from './support';

// The first file to run builds the app (test/nextjs/build.ts): a minute or two of CPU.
t.setTimeout(600_000);

let app: NextApp;
t.before(async () => {
  app = await startNextApp(t);
});

const q = encodeURIComponent;

/** A refusal: JSON 403 with rampart's request id, the event naming the input, the server up. */
async function assertBlocked(t: Test, res: { status: number; text: string; headers: Headers }, expect: Record<string, unknown>): Promise<void> {
  t.equal(res.status, 403, 'answered 403');
  t.match(res.headers.get('content-type'), /application\/json/);
  const body = JSON.parse(res.text) as { error: string; requestId: string };
  t.equal(body.error, 'Forbidden');
  t.equal(res.headers.get('x-rampart-request-id'), body.requestId);
  const events = await app.waitForAttacks(1);
  const event = events.find((e) => e['rampart.request.id'] === body.requestId);
  t.ok(event, 'the finding event carries the response request id');
  t.match(event, { 'rampart.action': 'blocked', ...expect });
  t.ok(await app.alive(), 'the server still answers');
  app.lines.length = 0;
}

t.test('query string into SQL: benign rows, attack 403 with the users table intact', async (t) => {
  const benign = await request(`${app.base}/api/users?name=alice`);
  t.equal(benign.status, 200);
  t.same(benign.json(), [{ id: 1, name: 'alice' }]);
  t.equal(benign.headers.get('x-fixture-proxy'), '1', "the app's proxy (middleware) ran");
  const attack = await request(`${app.base}/api/users?name=${q("' OR '1'='1")}`);
  t.notMatch(attack.text, /bob/, 'no rows leaked');
  await assertBlocked(t, attack, { 'rampart.input.source': 'query', 'rampart.input.path': 'name', 'rampart.sink': 'better-sqlite3.prepare', 'url.path': '/api/users' });
});

t.test('route param into SQL', async (t) => {
  t.same((await request(`${app.base}/api/users/bob`)).json(), [{ id: 2, name: 'bob' }]);
  const attack = await request(`${app.base}/api/users/${q("x' UNION SELECT 1, sqlite_version() --")}`);
  t.notMatch(attack.text, /\d+\.\d+\.\d+/, 'no version leaked');
  await assertBlocked(t, attack, { 'rampart.attack.kind': 'sql_injection' });
});

t.test('JSON body read with await request.json(): stacked DROP TABLE refused, table intact, nothing inserted', async (t) => {
  const attack = await postJson(`${app.base}/api/notes`, { note: "x'); DROP TABLE users; --" });
  await assertBlocked(t, attack, { 'rampart.input.source': 'body', 'rampart.input.path': 'note', 'rampart.sink': 'better-sqlite3.exec' });
  t.same(app.tables(), ['notes', 'users']);
  t.same(app.notes(), []);
  const benign = await postJson(`${app.base}/api/notes`, { note: 'remember the milk' });
  t.equal(benign.status, 201);
  t.same(benign.json(), { ok: true, count: 1 });
  t.same(app.notes(), ['remember the milk']);
});

t.test('urlencoded form read with await request.formData()', async (t) => {
  const benign = await request(`${app.base}/api/form`, { method: 'POST', body: new URLSearchParams({ name: 'alice' }) });
  t.same(benign.json(), [{ id: 1, name: 'alice' }]);
  const attack = await request(`${app.base}/api/form`, { method: 'POST', body: new URLSearchParams({ name: "' OR '1'='1" }) });
  t.notMatch(attack.text, /bob/);
  await assertBlocked(t, attack, { 'rampart.input.source': 'body', 'rampart.input.path': 'name' });
});

t.test('multipart form read with await request.formData(), a file beside the field', async (t) => {
  const form = (name: string): FormData => {
    const f = new FormData();
    f.append('name', name);
    f.append('upload', new Blob([`file content ' OR '1'='1`]), 'notes.txt');
    return f;
  };
  const benign = await request(`${app.base}/api/form`, { method: 'POST', body: form('bob') });
  t.same(benign.json(), [{ id: 2, name: 'bob' }], 'a file holding SQL-looking text is not an input');
  const attack = await request(`${app.base}/api/form`, { method: 'POST', body: form("' OR '1'='1") });
  t.notMatch(attack.text, /alice/);
  await assertBlocked(t, attack, { 'rampart.input.source': 'body', 'rampart.input.path': 'name' });
});

t.test('JSON body into PostgreSQL: the table survives a stacked DROP', async (t) => {
  t.same((await postJson(`${app.base}/api/pg`, { name: 'bob' })).json(), [{ name: 'bob' }]);
  const attack = await postJson(`${app.base}/api/pg`, { name: `x'; DROP TABLE ${app.pgTable}; --` });
  await assertBlocked(t, attack, { 'rampart.sink': 'pg.pool.query', 'db.system.name': 'postgresql' });
  t.same(await pgRows(app.pgTable), ['alice', 'bob']);
});

t.test('command injection through the shell: canary never written', async (t) => {
  t.same((await request(`${app.base}/api/exec?word=hello`)).json(), { out: 'hello' });
  const attack = await request(`${app.base}/api/exec?word=${q(`x; touch ${app.canary}`)}`);
  await assertBlocked(t, attack, { 'rampart.attack.kind': 'command_injection' });
  t.notOk(existsSync(app.canary), 'the injected command did not run');
});

t.test('path traversal out of the files folder: secret not returned', async (t) => {
  t.same((await request(`${app.base}/api/file?name=welcome.txt`)).json(), { text: 'hello from files' });
  const attack = await request(`${app.base}/api/file?name=${q('../secret.txt')}`);
  t.notMatch(attack.text, new RegExp(SECRET));
  await assertBlocked(t, attack, { 'rampart.attack.kind': 'path_traversal' });
});

t.test("SSRF to the internal service is refused; the app's own call to it is not (Next's x-forwarded-for is not input)", async (t) => {
  const own = await request(`${app.base}/api/fetch?item=book`);
  t.equal(own.status, 200, 'the app calls its loopback service although Next wrote x-forwarded-for: 127.0.0.1');
  t.same(own.json(), { status: 200, text: 'item:book' });
  t.same(app.internalHits, ['/items?item=book']);
  t.same(app.attacks(), [], 'no finding for the benign call');
  const attack = await request(`${app.base}/api/fetch?url=${q(`${app.internalBase}/secret`)}`);
  t.notMatch(attack.text, new RegExp(INTERNAL_SECRET));
  await assertBlocked(t, attack, { 'rampart.attack.kind': 'ssrf', 'rampart.input.source': 'query', 'rampart.input.path': 'url' });
  t.same(app.internalHits, ['/items?item=book'], 'the internal service was not hit');
});

t.test('a forwarding header the client sent is still input', async (t) => {
  const res = await request(`${app.base}/api/users?name=alice`, { headers: { 'x-forwarded-host': "h' OR '1'='1" } });
  t.same(res.json(), [{ id: 1, name: 'alice' }], 'not in the query: the request passes');
  const spoofed = await request(`${app.base}/api/fetch?item=book`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
  t.equal(spoofed.status, 403, 'a client-sent x-forwarded-for naming the host the app calls is refused like any header');
  await assertBlocked(t, spoofed, { 'rampart.input.source': 'headers', 'rampart.input.path': 'x-forwarded-for' });
  t.same(app.internalHits, ['/items?item=book'], 'only the earlier benign call reached the service');
});

t.test('Pages Router API route: query and the body Next parsed', async (t) => {
  t.same((await request(`${app.base}/api/legacy?name=alice`)).json(), [{ id: 1, name: 'alice' }]);
  const byQuery = await request(`${app.base}/api/legacy?name=${q("' OR '1'='1")}`);
  await assertBlocked(t, byQuery, { 'rampart.input.source': 'query' });
  t.same((await postJson(`${app.base}/api/legacy`, { name: 'bob' })).json(), [{ id: 2, name: 'bob' }]);
  const byBody = await postJson(`${app.base}/api/legacy`, { name: "' OR 1=1 --" });
  t.notMatch(byBody.text, /alice/);
  await assertBlocked(t, byBody, { 'rampart.input.source': 'body', 'rampart.input.path': 'name' });
});

t.test("Next's own pages are untouched by the blocks: home page and its 404 page", async (t) => {
  const home = await request(`${app.base}/`);
  t.equal(home.status, 200);
  t.match(home.text, /rampart Next.js fixture/);
  const missing = await request(`${app.base}/no-such-page`, { headers: { accept: 'text/html' } });
  t.equal(missing.status, 404);
  t.match(missing.text, /404/);
  t.notMatch(app.stderr(), /ERR_HTTP_HEADERS_SENT|headers already sent|uncaught/i);
});

t.test('a cookie read with request.cookies', async (t) => {
  t.same((await request(`${app.base}/api/team`, { headers: { cookie: 'team=bob' } })).json(), [{ id: 2, name: 'bob' }]);
  const attack = await request(`${app.base}/api/team`, { headers: { cookie: `team=${q("' OR '1'='1")}` } });
  t.notMatch(attack.text, /alice/);
  await assertBlocked(t, attack, { 'rampart.input.source': 'cookies', 'rampart.input.path': 'team' });
});

t.test('a Server Component page rendering from searchParams: HTML 403 instead of the page, no error page after it', async (t) => {
  const benign = await request(`${app.base}/search?name=alice`, { headers: { accept: 'text/html' } });
  t.equal(benign.status, 200);
  t.match(benign.text, /user:(<!-- -->)?alice/);
  t.notMatch(benign.text, /user:(<!-- -->)?bob/);
  const attack = await request(`${app.base}/search?name=${q("' OR '1'='1")}`, { headers: { accept: 'text/html' } });
  t.equal(attack.status, 403);
  t.match(attack.headers.get('content-type'), /text\/html/);
  t.match(attack.text, /Forbidden/);
  t.notMatch(attack.text, /user:|Application error|Internal Server Error/, "neither the rows nor Next's error page");
  const [event] = await app.waitForAttacks(1);
  t.match(event, { 'rampart.action': 'blocked', 'rampart.input.source': 'query', 'url.path': '/search' });
  t.ok(await app.alive());
  t.notMatch(app.stderr(), /ERR_HTTP_HEADERS_SENT|headers already sent/i);
  app.lines.length = 0;
});
