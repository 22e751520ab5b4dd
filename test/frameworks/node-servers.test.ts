// Node's own servers without a framework: http, https, and HTTP/2 both through the
// compatibility 'request' event and the core 'stream' event. Query, header and cookie
// inputs reach a SQLite sink and are blocked with the right source and path; a blocked
// raw stream still gets rampart's 403 and the app's own error answer is dropped.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { RampartBlockedError, start, stop } from '../../src/index';
import { closeServer, listen, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { makeCert } from '../hooks/outbound/tls-certs';
import { SQLI, assertBenign, assertBlocked, usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require('node:http') as typeof import('node:http');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const https = require('node:https') as typeof import('node:https');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const http2 = require('node:http2') as typeof import('node:http2');

const db = usersDb();
const ALICE = [{ id: 1, name: 'alice' }];
const cert = makeCert();

/** Looks the name up from the query string (`?name=`) or the x-user header, as a raw app does. */
function lookup(url: string, headers: Record<string, unknown>): unknown {
  const name = new URL(url, 'http://x').searchParams.get('name') ?? String(headers['x-user']);
  return db.findUser(name);
}

// The app's own error handling answers 500 on any error; rampart's 403 must win.
function handler(req: import('node:http').IncomingMessage | import('node:http2').Http2ServerRequest, res: import('node:http').ServerResponse | import('node:http2').Http2ServerResponse): void {
  try {
    const body = JSON.stringify(lookup(req.url!, req.headers));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  } catch {
    res.writeHead(500);
    res.end('internal error');
  }
}

const plain = http.createServer(handler);
const secure = https.createServer({ key: cert.key, cert: cert.cert }, handler);
const compat = http2.createServer(handler);
// Its prototype is patched when createSecureServer first hands one out (not at start).
const secureCompat = http2.createSecureServer({ key: cert.key, cert: cert.cert }, handler);
const core = http2.createServer();
let streamErrors: unknown[] = [];
core.on('stream', (stream, headers) => {
  try {
    const body = JSON.stringify(lookup(String(headers[':path']), headers));
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    stream.end(body);
  } catch (error) {
    streamErrors.push(error);
    stream.respond({ ':status': 500 }); // inert after a block: no "headers already sent" throw
    stream.end('internal error');
  }
});

const bases: Record<string, string> = {};
t.before(async () => {
  bases.http = await listen(plain);
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
  bases.https = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
  for (const [name, server] of [['compat', compat], ['core', core], ['secureCompat', secureCompat]] as const) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    bases[name] = `${name === 'secureCompat' ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
});
t.teardown(() => Promise.all([closeServer(plain), closeServer(secure), new Promise((r) => compat.close(r)), new Promise((r) => core.close(r)), new Promise((r) => secureCompat.close(r))]));

function httpsGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers; json(): unknown }> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${bases.https}${path}`, { ca: cert.cert, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, text, headers: new Headers(), json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
  });
}

async function h2Get(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers; json(): unknown }> {
  const session = http2.connect(base, base.startsWith('https:') ? { ca: cert.cert } : {});
  try {
    const req = session.request({ ':path': path, ...headers });
    let status = 0;
    req.on('response', (h) => (status = Number(h[':status'])));
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    await once(req, 'end');
    return { status, text, headers: new Headers(), json: () => JSON.parse(text) };
  } finally {
    session.close();
  }
}

const q = (name: string) => `/lookup?name=${encodeURIComponent(name)}`;

t.test('http: query and header', async (t) => {
  assertBlocked(t, await request(`${bases.http}${q(SQLI)}`), events, 'query', 'name');
  assertBenign(t, await request(`${bases.http}${q('alice')}`), events, ALICE);
  assertBlocked(t, await request(`${bases.http}/lookup`, { headers: { 'x-user': SQLI } }), events, 'headers', 'x-user');
  t.ok(db.intact());
});

t.test('https: query', async (t) => {
  assertBlocked(t, await httpsGet(q(SQLI)), events, 'query', 'name');
  assertBenign(t, await httpsGet(q('alice')), events, ALICE);
});

t.test("http2 compatibility API ('request' event): query and header", async (t) => {
  assertBlocked(t, await h2Get(bases.compat!, q(SQLI)), events, 'query', 'name');
  assertBenign(t, await h2Get(bases.compat!, q('alice')), events, ALICE);
  assertBlocked(t, await h2Get(bases.compat!, '/lookup', { 'x-user': SQLI }), events, 'headers', 'x-user');
});

t.test('http2 over TLS (createSecureServer), compatibility API: query and header', async (t) => {
  assertBlocked(t, await h2Get(bases.secureCompat!, q(SQLI)), events, 'query', 'name');
  assertBenign(t, await h2Get(bases.secureCompat!, q('alice')), events, ALICE);
  assertBlocked(t, await h2Get(bases.secureCompat!, '/lookup', { 'x-user': SQLI }), events, 'headers', 'x-user');
  t.ok(db.intact());
});

t.test("http2 core API ('stream' event): query and header; the app's 500 is dropped", async (t) => {
  streamErrors = [];
  assertBlocked(t, await h2Get(bases.core!, q(SQLI)), events, 'query', 'name');
  assertBlocked(t, await h2Get(bases.core!, '/lookup', { 'x-user': SQLI }), events, 'headers', 'x-user');
  t.equal(streamErrors.length, 2);
  t.ok(streamErrors.every((e) => e instanceof RampartBlockedError), 'the handler saw RampartBlockedError');
  assertBenign(t, await h2Get(bases.core!, q('alice')), events, ALICE);
  t.ok(db.intact());
});
