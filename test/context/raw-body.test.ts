// The raw request body as an input (issue 18 part 4): apps that parse bodies themselves
// (plain http with JSON.parse, express.text(), express.raw(), a route that reads the
// stream with `for await`) get the body's text, its JSON leaves and its urlencoded fields as
// inputs. Real servers, real SQLite: the attack is refused with the table intact, the benign
// twin served with the right rows, and a body past limits.maxRawBody is refused as
// rampart.input-limit instead of being left unchecked.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { request, serveOnLoopback } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { SQLI, usersDb } from '../frameworks/support';

const events = captureOtelLogs();
start({ logLevel: 'silent', limits: { maxRawBody: 64 * 1024 } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');
const db = usersDb();

/** Reads a request stream the way many small apps do: 'data' and 'end' listeners. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** The name an app takes from a body it parsed itself: JSON or a form. */
function nameIn(text: string, type: string | undefined): string {
  if (type?.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(text).get('name') ?? '';
  return (JSON.parse(text) as { user: { name: string } }).user.name;
}

const plain: Server = createServer(async (req, res) => {
  try {
    const text = await readBody(req);
    res.end(JSON.stringify(db.findUser(nameIn(text, req.headers['content-type']))));
  } catch (error) {
    if (!res.headersSent) res.writeHead(500).end(String(error));
  }
});

const app = express();
/** Runs the app's query; a refused call was answered by rampart already. */
function answer(res: import('express').Response, name: () => string): void {
  try {
    res.json(db.findUser(name()));
  } catch (error) {
    if (!res.headersSent) res.status(500).send(String(error));
  }
}
app.post('/text', express.text({ type: '*/*' }), (req, res) => {
  answer(res, () => (JSON.parse(req.body as string) as { user: { name: string } }).user.name);
});
app.post('/raw', express.raw({ type: '*/*' }), (req, res) => {
  answer(res, () => (JSON.parse((req.body as unknown as Buffer).toString('utf8')) as { user: { name: string } }).user.name);
});
app.post('/stream', async (req, res) => {
  // The route reads the stream itself with async iteration.
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    res.json(db.findUser((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { user: { name: string } }).user.name));
  } catch (error) {
    if (!res.headersSent) res.status(500).send(String(error));
  }
});
const expressServer: Server = app.listen();

// An app whose framework parses the body (express.json()).
const parsed = express();
parsed.use(express.json({ limit: '1mb' }));
parsed.post('/', (req, res) => answer(res, () => (req.body as { user: { name: string } }).user.name));
const parsedServer: Server = parsed.listen();

const plainSite = serveOnLoopback(t, plain);
const parsedSite = serveOnLoopback(t, parsedServer);
const expressSite = serveOnLoopback(t, expressServer);

const json = (name: string) => JSON.stringify({ user: { name } });
const ALICE = [{ id: 1, name: 'alice' }];

const ROUTES = [
  { name: 'plain http, JSON.parse of the body', url: () => `${plainSite.base}/` },
  { name: 'express.text()', url: () => `${expressSite.base}/text` },
  { name: 'express.raw()', url: () => `${expressSite.base}/raw` },
  { name: 'a route that reads the stream itself', url: () => `${expressSite.base}/stream` },
];

for (const route of ROUTES) {
  t.test(route.name, async (t) => {
    events.reset();
    const attacked = await request(route.url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: json(SQLI) });
    t.equal(attacked.status, 403, 'refused');
    t.notMatch(attacked.text, /bob/, 'no row leaked');
    t.ok(db.intact(), 'table intact');
    const finding = events.attacks()[0];
    t.equal(finding?.attributes['rampart.input.source'], 'body');
    t.equal(finding?.attributes['rampart.input.path'], 'user.name', 'named by its JSON path');
    events.reset();
    const benign = await request(route.url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: json('alice') });
    t.equal(benign.status, 200, 'benign twin served');
    t.same(JSON.parse(benign.text), ALICE);
    t.equal(events.attacks().length, 0, 'no finding');
  });
}

t.test('a urlencoded body parsed by the app: its fields are inputs', async (t) => {
  events.reset();
  const type = { 'content-type': 'application/x-www-form-urlencoded' };
  const attacked = await request(`${plainSite.base}/`, { method: 'POST', headers: type, body: `name=${encodeURIComponent(SQLI)}` });
  t.equal(attacked.status, 403);
  t.ok(db.intact());
  t.equal(events.attacks()[0]?.attributes['rampart.input.path'], 'name');
  const benign = await request(`${plainSite.base}/`, { method: 'POST', headers: type, body: 'name=alice' });
  t.same(JSON.parse(benign.text), ALICE);
});

t.test('a body past limits.maxRawBody is refused as rampart.input-limit, never unchecked', async (t) => {
  events.reset();
  // The payload sits after 100 KB of padding: past the 64 KiB kept.
  const padded = JSON.stringify({ pad: 'x'.repeat(100 * 1024), user: { name: SQLI } });
  const res = await request(`${plainSite.base}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: padded });
  t.equal(res.status, 403, 'refused');
  t.ok(db.intact(), 'table intact');
  t.equal(events.attacks()[0]?.attributes['security_rule.name'], 'rampart.input-limit');
  const benign = await request(`${plainSite.base}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json('alice') });
  t.same(JSON.parse(benign.text), ALICE, 'the process is up and serving');
});

t.test('a body a framework parsed is not collected twice (the parsed body is the input)', async (t) => {
  events.reset();
  // Larger than maxRawBody, parsed by express.json(): no input limit applies.
  const big = JSON.stringify({ pad: 'x'.repeat(100 * 1024), user: { name: 'alice' } });
  const res = await request(`${parsedSite.base}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
  t.equal(res.status, 200);
  t.same(JSON.parse(res.text), ALICE);
  t.equal(events.attacks().length, 0);
});
