// Request options taken from input that redirect the connection: an options object
// spread from JSON the client sent (`{ ...JSON.parse(req.query.opts) }`) carrying `host`,
// `hostname`, `socketPath` or net's `path`, and undici's `connect: { socketPath }` (an
// Agent or Client the app builds with a socket path from input, passed as `dispatcher`).
// The internal server and the Unix-socket daemon get no request; the twins with the
// app's own destinations are served; the app keeps serving after each refusal.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { closeServer, listen, request } from '../../helpers/http';
import { collect, loopbackServers } from './servers';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);
/* eslint-disable @typescript-eslint/no-require-imports */
const http = require('node:http') as typeof import('node:http');
const net = require('node:net') as typeof import('node:net');
const undici = require('undici') as typeof import('undici');
/* eslint-enable @typescript-eslint/no-require-imports */

const servers = loopbackServers(t);
const dir = mkdtempSync(join(tmpdir(), 'rampart-opts-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const sockets = { daemon: join(dir, 'daemon.sock'), app: join(dir, 'app.sock') };
const socketHits: Record<'daemon' | 'app', string[]> = { daemon: [], app: [] };
for (const name of ['daemon', 'app'] as const) {
  const server = createServer((req, res) => {
    socketHits[name].push(req.url ?? '');
    res.end(`${name} answered`);
  });
  t.before(() => new Promise<void>((resolve) => server.listen(sockets[name], resolve)));
  t.teardown(() => closeServer(server));
}

/** The leaves of `opts` as the request's inputs (what a JSON body's walk collects). */
function asBody(opts: Record<string, unknown>) {
  return Object.entries(opts).map(([name, value]) => ({ source: 'body' as const, name: `opts.${name}`, value: String(value) }));
}

function withInputs<T>(inputs: ReturnType<typeof asBody>, run: () => T): T {
  const [first, ...rest] = inputs;
  if (first === undefined) return run();
  return withInput(first, () => withInputs(rest, run));
}

/** A raw TCP/Unix exchange: the HTTP answer's body, or the error. */
function rawGet(options: import('node:net').NetConnectOpts | string): Promise<{ body?: string; error?: Error }> {
  return new Promise((resolve) => {
    const socket = typeof options === 'string' ? net.connect(options) : net.connect(options);
    let data = '';
    socket.on('connect', () => socket.write('GET /raw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('error', (error) => resolve({ error }));
    socket.on('close', () => resolve({ body: data.slice(data.indexOf('\r\n\r\n') + 4) }));
  });
}

t.test('the attack is real: without input the options reach the internal server and the daemon', async (t) => {
  t.equal((await collect(http.get({ ...JSON.parse(`{"host":"127.0.0.1","port":${servers.internal.port}}`), path: '/secret' }))).body, 'internal secret');
  t.equal((await rawGet({ path: sockets.daemon })).body, 'daemon answered');
  const agent = new undici.Agent({ connect: { socketPath: sockets.daemon } });
  t.equal(await (await undici.request('http://localhost/containers', { dispatcher: agent })).body.text(), 'daemon answered');
  await agent.close();
  servers.internal.hits.length = 0;
  socketHits.daemon.length = 0;
});

t.test('http.request with options spread from input JSON', async (t) => {
  events.reset();
  const cases: Record<string, unknown>[] = [
    { host: '127.0.0.1', port: servers.internal.port },
    { hostname: 'localhost', port: servers.internal.port },
    { socketPath: sockets.daemon },
  ];
  for (const opts of cases) {
    const spread = JSON.parse(JSON.stringify(opts)) as Record<string, unknown>;
    const r = await withInputs(asBody(opts), () => collect(http.get({ path: '/secret', ...spread })));
    t.type(r.error, RampartBlockedError, `${JSON.stringify(opts)}: refused`);
    // Node merges (url, options) with the options winning, except that a URL's hostname beats `host`.
    const merged = await withInputs(asBody(opts), () => collect(http.get(`${servers.allowed.origin}/secret`, { ...spread, port: servers.allowed.port })));
    if (opts.host === undefined) t.type(merged.error, RampartBlockedError, `${JSON.stringify(opts)} over the app's URL: refused`);
    else t.equal(merged.body, 'hello from 127.0.0.2', '`host` does not override a URL’s hostname: the app’s host is used, and served');
  }
  t.same(servers.internal.hits, [], 'the internal server got nothing');
  t.same(socketHits.daemon, [], 'the daemon got nothing');
  const benign = { host: '127.0.0.2', port: servers.allowed.port };
  const r = await withInputs(asBody(benign), () => collect(http.get({ path: '/hello', ...benign })));
  t.equal(r.body, 'hello from 127.0.0.2', 'benign twin: an allowed host from input');
});

t.test('net.connect with a path from input: the Unix socket is refused', async (t) => {
  events.reset();
  for (const options of [{ path: sockets.daemon }, sockets.daemon]) {
    const r = await withInputs(asBody({ path: sockets.daemon }), () => rawGet(options));
    t.type(r.error, RampartBlockedError, `${JSON.stringify(options)}: refused`);
  }
  t.same(socketHits.daemon, [], 'the daemon got nothing');
  t.equal(events.attacks()[0]?.attributes['security_rule.name'], 'ssrf.socket-path');
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'net.connect');
  const own = await withInputs(asBody({ name: 'app' }), () => rawGet({ path: sockets.app }));
  t.equal(own.body, 'app answered', 'benign twin: the app’s own socket, with an unrelated input');
});

t.test('undici: connect.socketPath from input, through an Agent, a Client or fetch’s dispatcher', async (t) => {
  events.reset();
  const input = asBody({ socket: sockets.daemon });
  const agent = new undici.Agent({ connect: { socketPath: sockets.daemon } });
  const viaAgent = await withInputs(input, () => undici.request('http://localhost/containers', { dispatcher: agent }).then(() => undefined, (e: unknown) => e));
  t.type(viaAgent, RampartBlockedError, 'undici.request with the Agent as dispatcher');
  const client = new undici.Client('http://localhost', { socketPath: sockets.daemon });
  const viaClient = await withInputs(input, () => client.request({ path: '/containers', method: 'GET' }).then(() => undefined, (e: unknown) => e));
  t.type(viaClient, RampartBlockedError, 'Client with socketPath');
  const viaFetch = await withInputs(input, () => undici.fetch('http://localhost/containers', { dispatcher: agent }).then(() => undefined, (e: unknown) => e));
  t.type(viaFetch, RampartBlockedError, 'undici.fetch with the Agent as dispatcher');
  const viaGlobalFetch = await withInputs(input, () => fetch('http://localhost/containers', { dispatcher: agent } as unknown as RequestInit).then(() => undefined, (e: unknown) => e));
  t.type(viaGlobalFetch, RampartBlockedError, 'global fetch with the Agent as dispatcher');
  await Promise.all([agent.close(), client.close()]);
  t.same(socketHits.daemon, [], 'the daemon got nothing');
  const own = new undici.Agent({ connect: { socketPath: sockets.app } });
  const served = await withInputs(input, () => undici.request('http://localhost/hello', { dispatcher: own }).then((r) => r.body.text()));
  t.equal(served, 'app answered', 'benign twin: the app’s own socket');
  await own.close();
});

t.test('over HTTP: options JSON in the query, 403, the app keeps serving', async (t) => {
  events.reset();
  const app: Server = createServer((req, res) => {
    const opts = JSON.parse(new URL(req.url ?? '/', 'http://x').searchParams.get('opts') ?? '{}') as object;
    const upstream = http.get({ path: '/secret', ...opts }, (r) => {
      let body = '';
      r.on('data', (c: Buffer) => (body += c.toString()));
      r.on('end', () => res.end(body));
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
    });
  });
  const base = await listen(app);
  t.teardown(() => closeServer(app));
  for (const opts of [{ socketPath: sockets.daemon }, { host: 'localhost', port: servers.internal.port }]) {
    const attack = await request(`${base}/?opts=${encodeURIComponent(JSON.stringify(opts))}`);
    t.equal(attack.status, 403, `${JSON.stringify(opts)}: refused`);
  }
  t.same(servers.internal.hits, [], 'the internal server got nothing');
  t.same(socketHits.daemon, [], 'the daemon got nothing');
  const benign = await request(`${base}/?opts=${encodeURIComponent(JSON.stringify({ host: '127.0.0.2', port: servers.allowed.port }))}`);
  t.equal(benign.text, 'hello from 127.0.0.2', 'benign twin served after the refusals');
});
