// Fastify 5 over real HTTP: inputs live on fastify's request (query, params, body,
// cookies from @fastify/cookie), which rampart reads through the onRequest hook it adds
// to every instance. Each source is blocked with the right source and path, benign input
// works, and the route template comes from routeOptions.url. Also shell, file and
// outbound sinks.
import t from 'tap';
import { start, stop } from '../../src/index';
import { postJson, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { startServer, type TestServer } from '../hooks/outbound/servers';
import { REPORT, sinkSandbox } from './sinks';
import { SQLI, assertBenign, assertBlocked, fakeJwt, usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Fastify = require('fastify') as typeof import('fastify').default;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cookie = require('@fastify/cookie') as typeof import('@fastify/cookie').default;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { exec } = require('node:child_process') as typeof import('node:child_process');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs/promises') as typeof import('node:fs/promises');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const path = require('node:path') as typeof import('node:path');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const querystring = require('node:querystring') as typeof import('node:querystring');

const db = usersDb();
const box = sinkSandbox('fastify');
const ALICE = [{ id: 1, name: 'alice' }];

type Req = import('fastify').FastifyRequest;
const q = (req: Req) => req.query as Record<string, string>;

const app = Fastify();
app.register(cookie);
// No @fastify/formbody installed: the app parses forms itself, as many do.
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, querystring.parse(body as string)));
app.get('/users/:name', async (req) => db.findUser((req.params as { name: string }).name));
app.get('/by-query', async (req) => db.findUser(q(req).name!));
app.post('/by-json', async (req) => db.findUser((req.body as { user: { name: string } }).user.name));
app.post('/by-form', async (req) => db.findUser((req.body as { name: string }).name));
app.post('/by-text', async (req) => db.findUser(req.body as string));
app.get('/by-header', async (req) => db.findUser(String(req.headers['x-user'])));
app.get('/by-cookie', async (req) => db.findUser(req.cookies.user!));
app.get('/by-jwt', async (req) => {
  const claims = JSON.parse(Buffer.from(String(req.headers.authorization).split('.')[1]!, 'base64url').toString()) as { tenant: string };
  return db.findUser(claims.tenant);
});
app.get('/echo', (req, reply) => {
  exec(`echo ${q(req).msg}`, (error, stdout) => void (error ? reply.code(500).send('failed') : reply.send(JSON.stringify(stdout.trim()))));
});
app.get('/file', async (req) => JSON.stringify(await fs.readFile(path.join(box.base, q(req).name!), 'utf8')));
app.get('/preview', async (req) => JSON.stringify(await (await fetch(q(req).url!)).text()));

// A second instance whose query parser splits comma lists: the split values exist only
// on fastify's request.query, never in the raw query string.
const lists = Fastify({ routerOptions: { querystringParser: (s: string) => Object.fromEntries(Object.entries(querystring.parse(s)).map(([k, v]) => [k, String(v).split(',')])) } });
lists.get('/second', async (req) => db.findUser((req.query as { ids: string[] }).ids[1]!));

let base = '';
let listsBase = '';
let internal: TestServer;
let allowed: TestServer;
t.before(async () => {
  internal = await startServer('127.0.0.1');
  allowed = await startServer('127.0.0.2');
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  listsBase = await lists.listen({ port: 0, host: '127.0.0.1' });
});
t.teardown(() => Promise.all([app.close(), lists.close(), internal.close(), allowed.close()]));

const form = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
const text = (body: string) => ({ method: 'POST', headers: { 'content-type': 'text/plain' }, body });

t.test('route params, with the route template from routeOptions.url', async (t) => {
  const res = await request(`${base}/users/${encodeURIComponent(SQLI)}`);
  const route = events.attacks()[0]?.attributes['http.route'];
  assertBlocked(t, res, events, 'params', 'name', 'better-sqlite3.prepare');
  t.equal(route, '/users/:name');
  assertBenign(t, await request(`${base}/users/alice`), events, ALICE);
  t.ok(db.intact());
});

t.test('query string', async (t) => {
  assertBlocked(t, await request(`${base}/by-query?name=${encodeURIComponent(SQLI)}`), events, 'query', 'name');
  assertBenign(t, await request(`${base}/by-query?name=alice`), events, ALICE);
});

t.test("values only fastify's query parser produced are inputs too", async (t) => {
  assertBlocked(t, await request(`${listsBase}/second?ids=${encodeURIComponent(`1,${SQLI}`)}`), events, 'query', 'ids.1');
  assertBenign(t, await request(`${listsBase}/second?ids=1,alice`), events, ALICE);
});

t.test('JSON body', async (t) => {
  assertBlocked(t, await postJson(`${base}/by-json`, { user: { name: SQLI } }), events, 'body', 'user.name');
  assertBenign(t, await postJson(`${base}/by-json`, { user: { name: 'alice' } }), events, ALICE);
});

t.test('urlencoded body (custom content type parser)', async (t) => {
  assertBlocked(t, await request(`${base}/by-form`, form(`name=${encodeURIComponent(SQLI)}`)), events, 'body', 'name');
  assertBenign(t, await request(`${base}/by-form`, form('name=alice')), events, ALICE);
});

t.test('plain text body', async (t) => {
  assertBlocked(t, await request(`${base}/by-text`, text(SQLI)), events, 'body', '');
  assertBenign(t, await request(`${base}/by-text`, text('alice')), events, ALICE);
});

t.test('header', async (t) => {
  assertBlocked(t, await request(`${base}/by-header`, { headers: { 'x-user': SQLI } }), events, 'headers', 'x-user');
  assertBenign(t, await request(`${base}/by-header`, { headers: { 'x-user': 'alice' } }), events, ALICE);
});

t.test('cookie read through @fastify/cookie', async (t) => {
  assertBlocked(t, await request(`${base}/by-cookie`, { headers: { cookie: `user=${encodeURIComponent(SQLI)}` } }), events, 'cookies', 'user');
  assertBenign(t, await request(`${base}/by-cookie`, { headers: { cookie: 'user=alice' } }), events, ALICE);
});

t.test('JWT bearer claims', async (t) => {
  assertBlocked(t, await request(`${base}/by-jwt`, { headers: { authorization: `Bearer ${fakeJwt({ tenant: SQLI })}` } }), events, 'jwt', 'tenant');
  assertBenign(t, await request(`${base}/by-jwt`, { headers: { authorization: `Bearer ${fakeJwt({ tenant: 'alice' })}` } }), events, ALICE);
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
