// Hono on @hono/node-server over real HTTP: Hono parses inputs on demand (c.req.param(),
// json(), parseBody(), text()); rampart stores what those return on the request context.
// Each source is blocked with the right source and path, benign input works, and the
// route template comes from c.req.routePath.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, postJson, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { SQLI, assertBenign, assertBlocked, usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Hono, Context } = require('hono') as typeof import('hono');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serve } = require('@hono/node-server') as typeof import('@hono/node-server');

const db = usersDb();
const ALICE = [{ id: 1, name: 'alice' }];

const app = new Hono();
app.get('/users/:name', (c) => c.json(db.findUser(c.req.param('name'))));
app.get('/all/:name', (c) => c.json(db.findUser(c.req.param().name)));
app.post('/by-json', async (c) => c.json(db.findUser(((await c.req.json()) as { user: { name: string } }).user.name)));
app.post('/by-form', async (c) => c.json(db.findUser(String((await c.req.parseBody()).name))));
app.post('/by-text', async (c) => c.json(db.findUser(await c.req.text())));
app.get('/by-query', (c) => c.json(db.findUser(c.req.query('name')!)));
app.get('/by-header', (c) => c.json(db.findUser(c.req.header('x-user')!)));

let base = '';
let server: Server;
t.before(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve()) as Server;
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
t.teardown(() => closeServer(server));

t.test('c.req.param(name), with the route template from routePath', async (t) => {
  const res = await request(`${base}/users/${encodeURIComponent(SQLI)}`);
  const route = events.attacks()[0]?.attributes['http.route'];
  assertBlocked(t, res, events, 'params', 'name', 'better-sqlite3.prepare');
  t.equal(route, '/users/:name');
  assertBenign(t, await request(`${base}/users/alice`), events, ALICE);
  t.ok(db.intact());
});

t.test('c.req.param() as an object', async (t) => {
  assertBlocked(t, await request(`${base}/all/${encodeURIComponent(SQLI)}`), events, 'params', 'name');
  assertBenign(t, await request(`${base}/all/alice`), events, ALICE);
});

t.test('c.req.json()', async (t) => {
  assertBlocked(t, await postJson(`${base}/by-json`, { user: { name: SQLI } }), events, 'body', 'user.name');
  assertBenign(t, await postJson(`${base}/by-json`, { user: { name: 'alice' } }), events, ALICE);
});

t.test('c.req.parseBody(): urlencoded', async (t) => {
  const form = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  assertBlocked(t, await request(`${base}/by-form`, form(`name=${encodeURIComponent(SQLI)}`)), events, 'body', 'name');
  assertBenign(t, await request(`${base}/by-form`, form('name=alice')), events, ALICE);
});

t.test('c.req.parseBody(): multipart text fields (a file field alongside is not an input)', async (t) => {
  const multipart = (name: string) => {
    const data = new FormData();
    data.append('name', name);
    data.append('upload', new Blob(['file bytes']), 'notes.txt');
    return { method: 'POST', body: data };
  };
  assertBlocked(t, await request(`${base}/by-form`, multipart(SQLI)), events, 'body', 'name');
  assertBenign(t, await request(`${base}/by-form`, multipart('alice')), events, ALICE);
});

t.test('c.req.text()', async (t) => {
  const text = (body: string) => ({ method: 'POST', headers: { 'content-type': 'text/plain' }, body });
  assertBlocked(t, await request(`${base}/by-text`, text(SQLI)), events, 'body', '');
  assertBenign(t, await request(`${base}/by-text`, text('alice')), events, ALICE);
});

t.test('query and header (read from the Node request)', async (t) => {
  assertBlocked(t, await request(`${base}/by-query?name=${encodeURIComponent(SQLI)}`), events, 'query', 'name');
  assertBenign(t, await request(`${base}/by-query?name=alice`), events, ALICE);
  assertBlocked(t, await request(`${base}/by-header`, { headers: { 'x-user': SQLI } }), events, 'headers', 'x-user');
  assertBenign(t, await request(`${base}/by-header`, { headers: { 'x-user': 'alice' } }), events, ALICE);
  t.ok(db.intact());
});

t.test('HonoRequest methods keep their shape', async (t) => {
  const proto = Object.getPrototypeOf(new Context(new Request('http://x/')).req) as Record<string, (...a: unknown[]) => unknown>;
  t.equal(proto.param!.name, 'param');
  t.equal(proto.json!.length, 0);
  t.equal(proto.parseBody!.name, 'parseBody');
});
