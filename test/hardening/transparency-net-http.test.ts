// http/https servers, http clients, net sockets and fetch behave exactly as without
// rampart when no attack happens. Originals captured before start() run side by side
// with the wrappers, inside a unit of work that carries user input, so every call is
// really checked.
/* eslint-disable @typescript-eslint/no-require-imports */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { start, stop, withInput } from '../../src/index';
import { isWrapped } from '../fixtures/hardening-shape';

const http = require('node:http') as typeof import('node:http');
const net = require('node:net') as typeof import('node:net');
const original = {
  emit: http.Server.prototype.emit,
  get: http.get,
  request: http.request,
  connect: net.Socket.prototype.connect,
  fetch: globalThis.fetch,
};

start({ logLevel: 'silent' });
t.teardown(stop);

const benign = <T>(fn: () => T): T => withInput({ source: 'query', name: 'q', value: 'hello' }, fn);

/** A server whose events are recorded; `unhooked` shadows the patched emit with Node's own. */
async function recordingServer(unhooked: boolean) {
  const events: string[] = [];
  const server = http.createServer();
  if (unhooked) Object.defineProperty(server, 'emit', { value: original.emit, configurable: true, writable: true });
  server.on('connection', () => events.push('connection'));
  server.on('request', function (this: unknown, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
    events.push(`request this=${this === server}`);
    req.on('data', () => events.push('req:data'));
    req.on('end', () => {
      events.push('req:end');
      res.setHeader('content-type', 'text/plain');
      res.end(`got ${req.method} ${req.url}`);
    });
    res.on('finish', () => events.push('res:finish'));
    res.on('close', () => events.push('res:close'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, events, port: (server.address() as AddressInfo).port };
}

/** Client-side events of one GET, and the body. */
function clientGet(get: typeof http.get, port: number, path: string) {
  return new Promise<{ events: string[]; body: string; status: number | undefined }>((resolve) => {
    const events: string[] = [];
    let body = '';
    const req = benign(() =>
      get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        events.push(`response:${res.statusCode}`);
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => events.push('res:end'));
      }),
    );
    t.ok(req instanceof http.ClientRequest, 'a real ClientRequest');
    req.on('socket', () => events.push('socket'));
    req.on('finish', () => events.push('finish'));
    req.on('error', (e: NodeJS.ErrnoException) => events.push(`error:${e.code}`));
    req.on('close', () => {
      events.push('close');
      resolve({ events, body, status: undefined });
    });
  });
}

t.test('server: same events in the same order, `this`, emit return values', async (t) => {
  t.ok(isWrapped(http.Server.prototype.emit), 'the server hook is installed');
  const hooked = await recordingServer(false);
  const plain = await recordingServer(true);
  const a = await clientGet(http.get, hooked.port, '/x?q=hello');
  const b = await clientGet(http.get, plain.port, '/x?q=hello');
  t.same(a.body, b.body);
  t.same(a.events, b.events, 'client side');
  await new Promise((r) => setTimeout(r, 50)); // let the server's close events land
  t.same(hooked.events, plain.events, 'server side');
  t.ok(hooked.events.includes('request this=true'));
  t.equal(hooked.server.emit('no-listener'), false, 'emit returns false without listeners');
  hooked.server.once('custom', () => {});
  t.equal(hooked.server.emit('custom'), true, 'and true with one');
  for (const s of [hooked.server, plain.server]) await new Promise((r) => s.close(r));
});

t.test('client: http.get and http.request wrappers give the same requests and errors', async (t) => {
  const { server, port } = await recordingServer(false);
  const mine = await clientGet(http.get, port, '/y?q=hello');
  t.same(mine, await clientGet(original.get, port, '/y?q=hello'));
  t.same(mine.events, ['socket', 'finish', 'response:200', 'res:end', 'close']);
  await new Promise((r) => server.close(r));
  // Nothing listens there any more: the same ECONNREFUSED, delivered the same way.
  const refused = await clientGet(http.get, port, '/?q=hello');
  t.same(refused, await clientGet(original.get, port, '/?q=hello'));
  t.same(refused.events, ['socket', 'error:ECONNREFUSED', 'close']);
  const { server: s2, port: p2 } = await recordingServer(false);
  const body = await new Promise<string>((resolve) => {
    const req = benign(() => http.request(`http://127.0.0.1:${p2}/z?q=hello`, { method: 'POST' }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve(text));
    }));
    req.end('payload');
  });
  t.equal(body, 'got POST /z?q=hello');
  await new Promise((r) => s2.close(r));
});

t.test('net.Socket#connect: returns the socket, same events and errors', async (t) => {
  const server = net.createServer((s) => s.end('bye'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const run = (connect: typeof original.connect, host: string, p: number) =>
    new Promise<{ returnedItself: boolean; events: string[] }>((resolve) => {
      const events: string[] = [];
      const socket = new net.Socket();
      socket.on('lookup', (err: Error | null, address: string, family: number, h: string) => events.push(`lookup:${err === null}:${address}:${family}:${h}`));
      socket.on('connect', () => events.push('connect'));
      socket.on('ready', () => events.push('ready'));
      socket.on('data', (d) => events.push(`data:${d.toString()}`));
      socket.on('error', (e: NodeJS.ErrnoException) => events.push(`error:${e.code}`));
      socket.on('close', () => resolve({ returnedItself, events }));
      const returnedItself = benign(() => (connect as (this: unknown, port: number, host: string) => unknown).call(socket, p, host)) === socket;
    });
  for (const host of ['127.0.0.1', 'localhost']) {
    const mine = await run(net.Socket.prototype.connect, host, port);
    t.same(mine, await run(original.connect, host, port), `${host}: same events`);
    t.ok(mine.returnedItself, 'connect returns the socket');
    t.ok(mine.events.includes('data:bye'));
  }
  await new Promise((r) => server.close(r));
  const refused = await run(net.Socket.prototype.connect, '127.0.0.1', port);
  t.same(refused, await run(original.connect, '127.0.0.1', port));
  t.same(refused.events, ['error:ECONNREFUSED']);
});

t.test('fetch: same responses, same rejections', async (t) => {
  const { server, port } = await recordingServer(false);
  const url = `http://127.0.0.1:${port}/f?q=hello`;
  const read = async (f: typeof fetch) => {
    const res = await benign(() => f(url));
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  t.same(await read(fetch), await read(original.fetch));
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  // A port nobody listens on and fetch never pooled a connection to.
  const spare = net.createServer();
  await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
  const closedUrl = `http://127.0.0.1:${(spare.address() as AddressInfo).port}/f?q=hello`;
  await new Promise((r) => spare.close(r));
  const failure = async (f: typeof fetch) => {
    const error = (await benign(() => f(closedUrl)).catch((e: unknown) => e)) as Error & { cause?: NodeJS.ErrnoException };
    return { class: error.constructor.name, message: error.message, cause: error.cause?.code };
  };
  const mine = await failure(fetch);
  t.same(mine, await failure(original.fetch));
  t.same(mine, { class: 'TypeError', message: 'fetch failed', cause: 'ECONNREFUSED' });
});
