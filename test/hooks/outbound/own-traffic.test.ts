// The app's own connections made during a request (its database pools, its telemetry
// exporter) are never refused because an input spells the same host: only input that
// reached the call is blamed. Real SSRF through the very same inputs is still refused.
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, createContextKey, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import t, { type Test } from 'tap';
import { start, stop } from '../../../src/index';
import { closeServer, listen, request } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { startServer, type TestServer } from './servers';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require('pg') as typeof import('pg');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mysql = require('mysql2/promise') as typeof import('mysql2/promise');

/** Inputs that spell the app's own hosts: client-address headers, localhost URLs, host:port. */
function coincidences(collector: string): { query: string; headers: Record<string, string> } {
  const params = new URLSearchParams({ next: 'http://localhost/', server: 'localhost', ip: '127.0.0.1', collector, dsn: `http://${collector}/v1/logs` });
  return { query: params.toString(), headers: { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1', 'x-original-url': 'http://127.0.0.1:5432/' } };
}

type Handler = (req: IncomingMessage, url: URL) => Promise<unknown>;

/** An app whose routes answer JSON, 500 with the error on failure (a refusal is a 403 by rampart). */
async function app(t: Test, routes: Record<string, Handler>): Promise<string> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const route = routes[url.pathname];
    if (route === undefined) return void res.writeHead(404).end();
    route(req, url).then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      (error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
      },
    );
  });
  const base = await listen(server);
  t.teardown(() => closeServer(server));
  return base;
}

/** A loopback OTLP/HTTP collector that keeps the bodies it receives. */
async function collector(t: Test): Promise<{ hostPort: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString());
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => closeServer(server));
  return { hostPort: `127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

/** @opentelemetry/core's suppressTracing(), as every SDK processor applies it around an export. */
function suppressTracing(ctx: Context): Context {
  return ctx.setValue(createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING'), true);
}

/** Waits for the collector, giving up (the assertions then fail) rather than hanging. */
async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

t.test('lazily opened pg and mysql2 pools, cached as promises, survive inputs equal to their hosts', async (t) => {
  events.reset();
  // Each app connects on first use and caches the promise: a refused first connection would break every later request.
  let pgPool: Promise<import('pg').Pool> | undefined;
  let pgLocal: Promise<import('pg').Pool> | undefined;
  let maria: Promise<import('mysql2/promise').Connection> | undefined;
  const openPg = (host: string) => async () => {
    const pool = new pg.Pool({ host, user: 'postgres', database: 'rampart_test', max: 1 });
    t.teardown(() => pool.end());
    await pool.query('SELECT 1');
    return pool;
  };
  const base = await app(t, {
    '/pg': async () => (await (pgPool ??= openPg('127.0.0.1')())).query('SELECT 40 + 2 AS answer').then((r) => r.rows),
    '/pg-localhost': async () => (await (pgLocal ??= openPg('localhost')())).query('SELECT 6 * 7 AS answer').then((r) => r.rows),
    '/mysql': async () => {
      maria ??= mysql.createConnection({ host: '127.0.0.1', user: 'root', password: '', database: 'rampart_test' }).then((c) => {
        t.teardown(() => c.end());
        return c;
      });
      const [rows] = await (await maria).query('SELECT 21 * 2 AS answer');
      return rows;
    },
  });
  const { query, headers } = coincidences('127.0.0.1:5432');
  for (const path of ['/pg', '/pg-localhost', '/mysql']) {
    const first = await request(`${base}${path}?${query}`, { headers });
    t.equal(first.status, 200, `${path}: first request, which opens the pool: ${first.text}`);
    t.same(first.json(), [{ answer: 42 }]);
    const next = await request(`${base}${path}?${query}`, { headers });
    t.equal(next.status, 200, `${path}: the cached pool serves the next request`);
    const benign = await request(`${base}${path}`);
    t.equal(benign.status, 200, `${path}: and a request without those inputs`);
  }
  t.equal(events.attacks().length, 0, 'no finding');
});

t.test('a pool opened in the callback of a steered call is not judged as a hop of it', async (t) => {
  events.reset();
  const allowed = await startServer('127.0.0.2');
  t.teardown(() => allowed.close());
  const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'rampart_test', max: 1 });
  t.teardown(() => pool.end());
  const base = await app(t, {
    // The input names the host of the http.get (an allowlisted one): its callbacks run in that call's steer.
    '/chain': (_req, url) =>
      new Promise((resolve, reject) => {
        get(url.searchParams.get('url')!, (res) => {
          res.resume();
          res.on('end', () => pool.query('SELECT 42 AS answer').then((r) => resolve(r.rows), reject));
        }).on('error', reject);
      }),
  });
  const res = await request(`${base}/chain?url=${encodeURIComponent(`${allowed.origin}/`)}`);
  t.equal(res.status, 200, res.text);
  t.same(res.json(), [{ answer: 42 }]);
  t.equal(events.attacks().length, 0, 'no finding');
});

t.test("an OTLP/HTTP exporter sending to a collector whose host:port is in the request's inputs", async (t) => {
  events.reset();
  const otlp = await collector(t);
  // Not global: the app's own log pipeline, exporting as each record is emitted (inside the request).
  const provider = new LoggerProvider({
    processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `http://${otlp.hostPort}/v1/logs` }) })],
  });
  t.teardown(() => provider.shutdown());
  const logger = provider.getLogger('app');
  let served = 0;
  const base = await app(t, {
    '/work': async (_req, url) => {
      logger.emit({ body: `order-${url.searchParams.get('n') ?? ''}-done` });
      return { served: ++served };
    },
  });
  const { query, headers } = coincidences(otlp.hostPort);
  for (const n of [1, 2, 3]) {
    const res = await request(`${base}/work?${query}&n=${n}`, { headers });
    t.equal(res.status, 200, res.text);
  }
  await waitFor(() => otlp.bodies.filter((b) => b.includes('order-')).length === 3);
  for (const n of [1, 2, 3]) t.ok(otlp.bodies.some((b) => b.includes(`order-${n}-done`)), `record ${n} reached the collector`);
  t.equal(events.attacks().length, 0, 'no finding');
});

t.test("OpenTelemetry's suppressTracing context marks an export made from any code", async (t) => {
  events.reset();
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  t.teardown(() => context.disable());
  const otlp = await collector(t);
  const post = (target: string) =>
    new Promise<number>((resolve, reject) => {
      get(target, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
  const base = await app(t, {
    // The same call from the app's code: an export only when the SDK's context says so.
    '/export': (_req, url) => context.with(suppressTracing(context.active()), () => post(url.searchParams.get('to')!)),
    '/plain': (_req, url) => post(url.searchParams.get('to')!),
  });
  const to = encodeURIComponent(`http://${otlp.hostPort}/v1/logs`);
  const exported = await request(`${base}/export?to=${to}`);
  t.equal(exported.status, 200, exported.text);
  t.equal(otlp.bodies.length, 1, 'the export reached the collector');
  t.equal(events.attacks().length, 0);
  const plain = await request(`${base}/plain?to=${to}`);
  t.equal(plain.status, 403, 'outside an export, the input chose the loopback host');
  t.equal(otlp.bodies.length, 1, 'and the collector was not hit');
});

t.test('real SSRF through the same inputs is still refused, and the app keeps serving', async (t) => {
  events.reset();
  let internal: TestServer | undefined = await startServer('127.0.0.1');
  t.teardown(() => internal?.close());
  const port = internal.port;
  const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'rampart_test', max: 1 });
  t.teardown(() => pool.end());
  const fetchText = async (target: string) => (await fetch(target)).text();
  const base = await app(t, {
    '/by-xff': (req) => fetchText(`http://${String(req.headers['x-forwarded-for'])}:${port}/secret`),
    '/by-real-ip': (req) => fetchText(`http://${String(req.headers['x-real-ip'])}:${port}/secret`),
    '/next': (_req, url) => fetchText(url.searchParams.get('next')!),
    '/collector': (_req, url) => fetchText(`http://${url.searchParams.get('collector')!}/secret`),
    '/db': async () => (await pool.query('SELECT 42 AS answer')).rows,
  });
  const attacks: [string, Record<string, string>][] = [
    ['/by-xff', { 'x-forwarded-for': '127.0.0.1' }],
    ['/by-real-ip', { 'x-real-ip': '127.0.0.1' }],
    [`/next?next=${encodeURIComponent(`http://localhost:${port}/secret`)}`, {}],
    [`/collector?collector=127.0.0.1:${port}`, {}],
  ];
  for (const [path, headers] of attacks) {
    const res = await request(`${base}${path}`, { headers });
    t.equal(res.status, 403, `${path} refused`);
    t.notMatch(res.text, 'internal secret');
    const db = await request(`${base}/db`, { headers });
    t.equal(db.status, 200, `the app's own pool still works with the same inputs after ${path}`);
  }
  t.same(internal.hits, [], 'the internal server was never hit');
  t.equal(events.attacks().length, attacks.length, 'one finding per attack');
  for (const e of events.attacks()) t.equal(e.attributes['security_rule.name'], 'ssrf.internal-address');
  // The benign twin: the same routes toward the allowlisted stand-in for a public host.
  await internal.close();
  internal = undefined;
  const allowed = await startServer('127.0.0.2');
  t.teardown(() => allowed.close());
  const benign = await request(`${base}/next?next=${encodeURIComponent(`${allowed.origin}/hello`)}`);
  t.equal(benign.status, 200);
  t.equal(benign.json(), 'hello from 127.0.0.2');
});
