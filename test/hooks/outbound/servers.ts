// Loopback servers and name resolution for the outbound (SSRF) tests. The "internal"
// server listens on 127.0.0.1 and counts every request it gets: attack tests prove it
// got none. The "allowed" server listens on 127.0.0.2, the destination the tests
// allowlist (`ssrf.allowHosts: ['127.0.0.2']`), standing in for a public host, since no
// test traffic may leave loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { Test } from 'tap';

export interface TestServer {
  readonly server: Server;
  readonly host: string;
  port: number;
  /** `http://host:port` */
  origin: string;
  /** Requests received so far, by path (query included). */
  readonly hits: string[];
  /** Where `/bounce` redirects: a target the user input never names. */
  bounceTo: string;
  close(): Promise<void>;
}

/** Routes shared by every test server; each answers with recognisable content. */
function route(req: IncomingMessage, res: ServerResponse, host: string, bounceTo: string): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/bounce') {
    res.writeHead(302, { location: bounceTo }).end();
    return;
  }
  if (url.pathname === '/redirect') {
    res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
    return;
  }
  if (url.pathname === '/stream') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    let n = 0;
    const timer = setInterval(() => {
      res.write(`chunk${n++};`);
      if (n === 3) {
        clearInterval(timer);
        res.end();
      }
    }, 1);
    return;
  }
  if (url.pathname === '/echo') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.writeHead(200, { 'x-method': req.method ?? '' }).end(Buffer.concat(chunks)));
    return;
  }
  if (url.pathname === '/status/418') {
    res.writeHead(418, { 'x-teapot': 'yes' }).end('short and stout');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': host }).end(host === '127.0.0.1' ? 'internal secret' : `hello from ${host}`);
}

/** The internal and allowed servers, started before a file's (or suite's) tests and closed after. */
export function loopbackServers(t: Test): { readonly internal: TestServer; readonly allowed: TestServer } {
  const servers = {} as { internal: TestServer; allowed: TestServer };
  t.before(async () => {
    servers.internal = await startServer('127.0.0.1');
    servers.allowed = await startServer('127.0.0.2');
  });
  t.teardown(() => Promise.all([servers.internal.close(), servers.allowed.close()]));
  return servers;
}

export async function startServer(host: '127.0.0.1' | '127.0.0.2'): Promise<TestServer> {
  const hits: string[] = [];
  const test: TestServer = {
    server: createServer((req, res) => {
      hits.push(req.url ?? '');
      route(req, res, host, test.bounceTo);
    }),
    host,
    port: 0,
    origin: '',
    hits,
    bounceTo: '/hello',
    close: () => closeServer(test.server),
  };
  await new Promise<void>((resolve) => test.server.listen(0, host, resolve));
  const port = (test.server.address() as AddressInfo).port;
  return Object.assign(test, { port, origin: `http://${host}:${port}` });
}

export function closeServer(server: Server | NetServer): Promise<void> {
  (server as Server).closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

type Answer = string | readonly string[];

/**
 * A `lookup` for `{ lookup }` options that answers from a table (loopback addresses
 * only), standing in for DNS: a function entry answers differently on each call, as a
 * rebinding DNS server would. Names not in the table fail like NXDOMAIN.
 */
export function fakeDns(table: Record<string, Answer | (() => Answer)>): (...args: any[]) => void {
  return function lookup(hostname: string, options: unknown, callback?: (...args: unknown[]) => void): void {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    const entry = table[hostname];
    const answer = typeof entry === 'function' ? entry() : entry;
    setImmediate(() => {
      if (answer === undefined) {
        cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }));
        return;
      }
      const list = (typeof answer === 'string' ? [answer] : answer).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      if (all) cb(null, list);
      else cb(null, list[0]!.address, list[0]!.family);
    });
  };
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/**
 * Safety net for tests that name non-loopback addresses (cloud metadata): should a
 * refusal ever fail, the connection attempt throws before Node hands the address to
 * the kernel, so no packet leaves the machine. Covers every socket net.connect makes
 * (http agents, undici, fetch). Returns the addresses seen, for assertions.
 */
export function loopbackOnlyTripwire(): { attempted: string[]; dispose(): void } {
  const attempted: string[] = [];
  const onSocket = (message: unknown): void => {
    const socket = (message as { socket: Socket }).socket;
    socket.prependListener('connectionAttempt', (address: string) => {
      attempted.push(address);
      if (!isLoopback(address)) throw new Error(`test tripwire: refusing to connect to ${address}`);
    });
  };
  diagnostics.subscribe('net.client.socket', onSocket);
  return { attempted, dispose: () => diagnostics.unsubscribe('net.client.socket', onSocket) };
}

/** Settles with the error a client request emits, or its response body. */
export function collect(req: import('node:http').ClientRequest): Promise<{ status?: number; headers?: Record<string, unknown>; body?: string; error?: Error }> {
  return new Promise((resolve) => {
    req.on('error', (error) => resolve({ error }));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
  });
}

/**
 * The error a refused emitter API reports (docs/refusals.md): the returned request,
 * session or socket emits 'error' asynchronously; nothing is thrown.
 */
export function failsWith(make: () => { once(event: 'error', listener: (error: unknown) => void): unknown }): Promise<unknown> {
  return new Promise((resolve) => make().once('error', resolve));
}
