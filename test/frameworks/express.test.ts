// Express 5 over real HTTP: every input source reaches a SQLite sink and is blocked with
// the right source and path in the event, while the same routes with benign input work.
// Also a shell, a file and an outbound sink fed from express inputs.
import type { Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen, postJson, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { startServer, type TestServer } from '../hooks/outbound/servers';
import { REPORT, sinkSandbox } from './sinks';
import { SQLI, assertBenign, assertBlocked, fakeJwt, usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { exec } = require('node:child_process') as typeof import('node:child_process');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const path = require('node:path') as typeof import('node:path');

const db = usersDb();
const box = sinkSandbox('express');
const ALICE = [{ id: 1, name: 'alice' }];

const app = express();
app.use(express.json());
app.use(express.urlencoded({ extended: false }));
app.use(express.text());
const users = express.Router();
// A router mounted under /api: the route template is baseUrl + route path.
users.get('/users/:name', (req, res) => res.json(db.findUser(req.params.name)));
app.use('/api', users);
app.get('/by-query', (req, res) => res.json(db.findUser(String(req.query.name))));
app.get('/by-tags', (req, res) => res.json(db.findUser(([] as string[]).concat(req.query.tag as string[]).join(','))));
app.post('/by-json', (req, res) => res.json(db.findUser(req.body.user.name)));
app.post('/by-form', (req, res) => res.json(db.findUser(req.body.name)));
app.post('/by-text', (req, res) => res.json(db.findUser(req.body)));
app.get('/by-header', (req, res) => res.json(db.findUser(String(req.get('x-user')))));
app.get('/by-header-name', (req, res) => res.json(db.findUser(Object.keys(req.headers).find((h) => h.startsWith('x'))!)));
app.get('/by-cookie', (req, res) => {
  const cookie = (req.headers.cookie ?? '').split('; ').find((c) => c.startsWith('user='));
  res.json(db.findUser(decodeURIComponent(cookie!.slice(5))));
});
app.get('/by-jwt', (req, res) => {
  // The app trusts the claims (it would verify the signature first; rampart cannot know).
  const token = String(req.get('authorization')).slice(7);
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { profile: { name: string } };
  res.json(db.findUser(claims.profile.name));
});
app.get('/echo', (req, res) => {
  exec(`echo ${String(req.query.msg)}`, (error, stdout) => (error ? res.status(500).send('failed') : res.json(stdout.trim())));
});
app.get('/file', (req, res) => {
  fs.readFile(path.join(box.base, String(req.query.name)), 'utf8', (error, text) => (error ? res.status(404).send('no such file') : res.json(text)));
});
app.get('/preview', async (req, res) => {
  const upstream = await fetch(String(req.query.url));
  res.json(await upstream.text());
});
// The app's own error handler: rampart's 403 has been sent already, this cannot undo it.
app.use((_error: unknown, _req: import('express').Request, res: import('express').Response, _next: import('express').NextFunction) => {
  res.status(500).send('internal error');
});

let base = '';
let server: Server;
let internal: TestServer;
let allowed: TestServer;
t.before(async () => {
  internal = await startServer('127.0.0.1');
  allowed = await startServer('127.0.0.2');
  server = app.listen(0, '127.0.0.1');
  server.close();
  base = await listen(server);
});
t.teardown(() => Promise.all([closeServer(server), internal.close(), allowed.close()]));

const form = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
const text = (body: string) => ({ method: 'POST', headers: { 'content-type': 'text/plain' }, body });

t.test('query string', async (t) => {
  assertBlocked(t, await request(`${base}/by-query?name=${encodeURIComponent(SQLI)}`), events, 'query', 'name');
  assertBenign(t, await request(`${base}/by-query?name=alice`), events, ALICE);
  t.ok(db.intact());
});

t.test('repeated query keys joined by the app (HTTP parameter pollution)', async (t) => {
  // The app joins the repeated values; the joined form (`x',' OR '1'='1`) is an input too.
  assertBlocked(t, await request(`${base}/by-tags?tag=x'&tag=' OR '1'='1`), events, 'query', 'tag');
  assertBenign(t, await request(`${base}/by-tags?tag=alice`), events, ALICE);
});

t.test('route params of a mounted router, with the route template in the event', async (t) => {
  const res = await request(`${base}/api/users/${encodeURIComponent(SQLI)}`);
  const route = events.attacks()[0]?.attributes['http.route'];
  assertBlocked(t, res, events, 'params', 'name', 'better-sqlite3.prepare');
  t.equal(route, '/api/users/:name');
  assertBenign(t, await request(`${base}/api/users/alice`), events, ALICE);
});

t.test('JSON body, nested path', async (t) => {
  assertBlocked(t, await postJson(`${base}/by-json`, { user: { name: SQLI } }), events, 'body', 'user.name');
  assertBenign(t, await postJson(`${base}/by-json`, { user: { name: 'alice' } }), events, ALICE);
});

t.test('urlencoded body', async (t) => {
  assertBlocked(t, await request(`${base}/by-form`, form(`name=${encodeURIComponent(SQLI)}`)), events, 'body', 'name');
  assertBenign(t, await request(`${base}/by-form`, form('name=alice')), events, ALICE);
});

t.test('plain text body: the whole body is one input with an empty path', async (t) => {
  assertBlocked(t, await request(`${base}/by-text`, text(SQLI)), events, 'body', '');
  assertBenign(t, await request(`${base}/by-text`, text('alice')), events, ALICE);
});

t.test('header value and header name', async (t) => {
  assertBlocked(t, await request(`${base}/by-header`, { headers: { 'x-user': SQLI } }), events, 'headers', 'x-user');
  assertBenign(t, await request(`${base}/by-header`, { headers: { 'x-user': 'alice' } }), events, ALICE);
  // `'` is a legal token character in a header name: x'or'1 closes the literal.
  assertBlocked(t, await request(`${base}/by-header-name`, { headers: { "x'or'1": 'v' } }), events, 'headers', "x'or'1");
  assertBenign(t, await request(`${base}/by-header-name`, { headers: { xalice: 'v' } }), events, []);
});

t.test('cookie', async (t) => {
  assertBlocked(t, await request(`${base}/by-cookie`, { headers: { cookie: `theme=dark; user=${encodeURIComponent(SQLI)}` } }), events, 'cookies', 'user');
  assertBenign(t, await request(`${base}/by-cookie`, { headers: { cookie: 'theme=dark; user=alice' } }), events, ALICE);
});

t.test('JWT bearer claims, decoded without verification', async (t) => {
  const attack = fakeJwt({ sub: '42', profile: { name: SQLI } });
  assertBlocked(t, await request(`${base}/by-jwt`, { headers: { authorization: `Bearer ${attack}` } }), events, 'jwt', 'profile.name');
  const benign = fakeJwt({ sub: '42', profile: { name: 'alice' } });
  assertBenign(t, await request(`${base}/by-jwt`, { headers: { authorization: `Bearer ${benign}` } }), events, ALICE);
  t.ok(db.intact());
});

t.test('shell sink: echo with a query value', async (t) => {
  const res = await request(`${base}/echo?msg=${encodeURIComponent(`hi; touch ${box.canary}`)}`);
  t.notOk(box.canaryExists(), 'canary absent: the command never ran');
  assertBlocked(t, res, events, 'query', 'msg', 'child_process.exec');
  assertBenign(t, await request(`${base}/echo?msg=hello`), events, 'hello');
});

t.test('fs sink: readFile under a base directory', async (t) => {
  const res = await request(`${base}/file?name=${encodeURIComponent('../../secret.txt')}`);
  t.notMatch(res.text, new RegExp(box.secret), 'secret not returned');
  assertBlocked(t, res, events, 'query', 'name');
  assertBenign(t, await request(`${base}/file?name=report.txt`), events, REPORT);
});

t.test('outbound sink: fetch of a user-chosen URL', async (t) => {
  const res = await request(`${base}/preview?url=${encodeURIComponent(`http://127.0.0.1:${internal.port}/secret`)}`);
  t.same(internal.hits, [], 'the internal server got no request');
  assertBlocked(t, res, events, 'query', 'url', 'fetch');
  assertBenign(t, await request(`${base}/preview?url=${encodeURIComponent(`${allowed.origin}/hello`)}`), events, 'hello from 127.0.0.2');
});
