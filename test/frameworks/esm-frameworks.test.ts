// The ESM import paths: an `.mjs` app (test/fixtures/esm-frameworks.mjs) that imports koa,
// @koa/router, @koa/bodyparser, fast-xml-parser, hono, @hono/node-server and ws with
// `import` statements, started with `node --import rampart/register` against the built
// dist/. Each framework's inputs are collected and an injection blocked with the right
// source and path; benign input works; the same app without rampart is vulnerable, so
// the blocks come from the ESM hooks.
import { dirname } from 'node:path';
import t, { type Test } from 'tap';
import { postJson, request, type SimpleResponse } from '../helpers/http';
import { ALICE } from './cases';
import { startFrameworkChild, type FrameworkChild } from './child-app';
import { SQLI, assertBenign, assertBlocked, usersDb } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const WebSocket = require('ws') as typeof import('ws');
const SCRIPT = 'test/fixtures/esm-frameworks.mjs';

const db = usersDb();
const escapeXml = (s: string) => s.replace(/'/g, '&apos;');
const order = (name: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/xml' },
  body: `<order><customer><name>${escapeXml(name)}</name></customer></order>`,
});

/** Sends one WebSocket message and returns the parsed reply. */
async function ask(port: unknown, message: unknown): Promise<unknown> {
  const socket = new WebSocket(`ws://127.0.0.1:${String(port)}/`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
  socket.send(JSON.stringify(message));
  const text = await reply;
  socket.close();
  return JSON.parse(text) as unknown;
}

t.test('with --import rampart/register', async (t) => {
  let child: FrameworkChild;
  t.before(async () => {
    child = await startFrameworkChild(t, SCRIPT, [], { USERS_DB: db.file }, dirname(db.file));
  });
  const events = { attacks: () => child.events.attacks(), reset: () => child.events.reset() };
  const settled = async (res: SimpleResponse | Promise<SimpleResponse>) => {
    const done = await res;
    await child.refresh();
    return done;
  };
  const hono = () => `http://127.0.0.1:${String(child.announced.hono)}`;

  t.test('koa + @koa/router: route params', async (t) => {
    const res = await settled(request(`${child.base}/users/${encodeURIComponent(SQLI)}`));
    t.equal(events.attacks()[0]?.attributes['http.route'], '/users/:name');
    assertBlocked(t, res, events, 'params', 'name', 'better-sqlite3.prepare');
    assertBenign(t, await settled(request(`${child.base}/users/alice`)), events, ALICE);
  });

  t.test('koa + @koa/bodyparser + fast-xml-parser: an XML element', async (t) => {
    assertBlocked(t, await settled(request(`${child.base}/order`, order(SQLI))), events, 'xml', 'order.customer.name');
    assertBenign(t, await settled(request(`${child.base}/order`, order('alice'))), events, ALICE);
  });

  t.test('hono on @hono/node-server: c.req.param() and c.req.json()', async (t) => {
    assertBlocked(t, await settled(request(`${hono()}/users/${encodeURIComponent(SQLI)}`)), events, 'params', 'name');
    assertBenign(t, await settled(request(`${hono()}/users/alice`)), events, ALICE);
    assertBlocked(t, await settled(postJson(`${hono()}/by-json`, { user: { name: SQLI } })), events, 'body', 'user.name');
    assertBenign(t, await settled(postJson(`${hono()}/by-json`, { user: { name: 'alice' } })), events, ALICE);
  });

  t.test('ws: a JSON message', async (t: Test) => {
    t.same(await ask(child.announced.ws, { name: SQLI }), { error: 'RAMPART_BLOCKED' }, 'the query threw RampartBlockedError, no rows');
    await child.refresh();
    const [event] = events.attacks();
    t.equal(events.attacks().length, 1, 'one finding');
    t.equal(event?.attributes['rampart.input.source'], 'websocket');
    t.equal(event?.attributes['rampart.input.path'], 'name');
    events.reset();
    t.same(await ask(child.announced.ws, { name: 'alice' }), ALICE);
    await child.refresh();
    t.equal(events.attacks().length, 0, 'no finding');
  });

  t.test('the users table is intact', async (t) => {
    t.ok(db.intact());
  });
});

t.test('the same app without rampart is vulnerable (a dead ESM hook would show here)', async (t) => {
  const child = await startFrameworkChild(t, SCRIPT, [], { USERS_DB: db.file }, dirname(db.file), { rampart: false });
  const everyone = [
    { id: 1, name: 'alice' },
    { id: 2, name: 'bob' },
  ];
  t.same((await request(`${child.base}/users/${encodeURIComponent(SQLI)}`)).json(), everyone, 'koa: every row returned');
  t.same((await request(`${child.base}/order`, order(SQLI))).json(), everyone, 'fast-xml-parser: every row returned');
  t.same((await request(`http://127.0.0.1:${String(child.announced.hono)}/users/${encodeURIComponent(SQLI)}`)).json(), everyone, 'hono: every row returned');
  t.same(await ask(child.announced.ws, { name: SQLI }), everyone, 'ws: every row returned');
});
