// The default demo app over real HTTP in block mode.
import type { Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { postJson, request, serveOnLoopback } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { app } = require('../../examples/express-sqlite/app.js') as { app: import('express').Express };
const server: Server = app.listen();
const site = serveOnLoopback(t, server);

t.test('benign input on the vulnerable route works', async (t) => {
  const res = await request(`${site.base}/users?name=alice`);
  t.equal(res.status, 200);
  t.same(res.json(), [{ id: 1, name: 'alice', email: 'alice@example.com' }]);
  const safe = await request(`${site.base}/users/safe?name=${encodeURIComponent("o'brien")}`);
  t.same(safe.json(), [{ id: 3, name: "o'brien", email: 'obrien@example.com' }]);
  t.equal(events.attacks().length, 0);
});

t.test("' OR '1'='1 gets a 403 JSON with the request id of the event, not the app's 500", async (t) => {
  const res = await request(`${site.base}/users?name=${encodeURIComponent("' OR '1'='1")}`);
  t.equal(res.status, 403);
  t.match(res.headers.get('content-type'), /application\/json/);
  const body = res.json() as { error: string; requestId: string };
  t.equal(body.error, 'Forbidden');
  t.notMatch(res.text, /alice|bob|internal error/, 'no data and no app error page leaked');
  const [event] = events.attacks();
  t.equal(event?.attributes['rampart.request.id'], body.requestId);
  t.equal(event?.attributes['rampart.action'], 'blocked');
  t.equal(event?.attributes['http.request.method'], 'GET');
  t.equal(event?.attributes['url.path'], '/users');
  t.equal(res.headers.get('x-rampart-request-id'), body.requestId);
  events.reset();
});

t.test('HTML block page when the client prefers HTML', async (t) => {
  const res = await request(`${site.base}/users?name=${encodeURIComponent("x' UNION SELECT 1,2,3 --")}`, { headers: { accept: 'text/html,application/xhtml+xml' } });
  t.equal(res.status, 403);
  t.match(res.headers.get('content-type'), /text\/html/);
  t.match(res.text, /Forbidden/);
  events.reset();
});

t.test('stacked DROP TABLE in a JSON body: blocked, table intact, nothing inserted', async (t) => {
  const before = (await request(`${site.base}/notes/count`)).json() as { n: number };
  const res = await postJson(`${site.base}/notes`, { note: "x'); DROP TABLE users; --" });
  t.equal(res.status, 403);
  const tables = (await request(`${site.base}/tables`)).json();
  t.same(tables, ['notes', 'users']);
  t.same((await request(`${site.base}/notes/count`)).json(), before, 'no note inserted');
  const [event] = events.attacks();
  t.equal(event?.attributes['rampart.input.source'], 'body');
  t.equal(event?.attributes['rampart.input.path'], 'note');
  t.equal(event?.attributes['rampart.sink'], 'better-sqlite3.exec');
  events.reset();
});

t.test('benign note still inserts; the server keeps serving after blocks', async (t) => {
  const res = await postJson(`${site.base}/notes`, { note: 'remember the milk' });
  t.equal(res.status, 201);
  t.same((await request(`${site.base}/users?name=bob`)).json(), [{ id: 2, name: 'bob', email: 'bob@example.com' }]);
});
