// Padding cannot hide a payload (issue 17): the old collection stopped at 2,000 inputs
// (decoded variants counted), 32 levels and 1 MiB, and whatever came after was never
// checked. Table-driven: every padding shape x (Express, Fastify, Koa) x (SQL, command,
// path, SSRF). The attack's effect never happens (table intact, no canary, no secret, no hit
// on the internal server) and the process keeps serving; the same shapes with benign values
// are served with the right data and no finding.
import { createServer, type RequestListener } from 'node:http';

import t, { type Test } from 'tap';
import { start, stop } from '../../src/index';
import { request, type SimpleResponse } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { startServer, type TestServer } from '../hooks/outbound/servers';
import { REPORT, sinkActions, sinkSandbox } from './sinks';
import { SQLI, usersDb } from './support';

t.setTimeout(600_000);
const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

/* eslint-disable @typescript-eslint/no-require-imports */
const express = require('express') as typeof import('express');
const Fastify = require('fastify') as typeof import('fastify').default;
const Koa = require('koa') as new () => KoaApp;
const Router = require('@koa/router') as typeof import('@koa/router').default;
const { bodyParser } = require('@koa/bodyparser') as typeof import('@koa/bodyparser');
/* eslint-enable @typescript-eslint/no-require-imports */

const db = usersDb();
const box = sinkSandbox('padding');
const act = sinkActions(box);
// Big enough for every shape: a 1.5 MiB string, 500 headers, a long query string.
const MAX_HEADER = 4 * 1024 * 1024;
const BODY_LIMIT = 32 * 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Where a shape puts the payload, and how every app finds it (the same for all frameworks).

/** A key named `payload` anywhere in a parsed body, searched iteratively. */
function findPayload(body: unknown): string | undefined {
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'payload' && typeof child === 'string') return child;
      stack.push(child);
    }
  }
  return undefined;
}

/**
 * The payload, wherever the shape put it. The query is read from the raw URL: express's
 * parser stops at 1,000 parameters, and the shape sends more (rampart reads them all).
 */
function payloadOf(rawUrl: string | undefined, cookieHeader: unknown, body: unknown): string {
  const q = new URL(rawUrl ?? '/', 'http://x').searchParams.get('q');
  if (q !== null) return q;
  const cookie = typeof cookieHeader === 'string' ? /(?:^|; )payload=([^;]*)/.exec(cookieHeader) : null;
  if (cookie !== null) return decodeURIComponent(cookie[1]!);
  return findPayload(body) ?? '';
}

type SinkKind = 'sql' | 'cmd' | 'path' | 'ssrf';

/** What each sink route does with the payload; the answer carries the data a benign call gets. */
async function runSink(kind: SinkKind, value: string): Promise<unknown> {
  switch (kind) {
    case 'sql':
      return db.findUser(value);
    case 'cmd':
      return act.echo(value);
    case 'path':
      return act.readFile(value);
    case 'ssrf':
      return act.preview(value);
  }
}

/** Answers 500 for a sink error the framework did not answer itself (a refused call when rampart answered already is ignored). */
function failed(error: unknown): { status: number; body: string } {
  return { status: 500, body: String((error as Error)?.message ?? error) };
}

// ---------------------------------------------------------------------------------------
// The three apps, each on a server that accepts big headers.

function expressApp(): RequestListener {
  const app = express();
  app.use(express.json({ limit: BODY_LIMIT }));
  app.post('/sink/:kind', async (req, res) => {
    try {
      const out = await runSink(req.params.kind as SinkKind, payloadOf(req.url, req.headers.cookie, req.body));
      res.json(out);
    } catch (error) {
      if (!res.headersSent) res.status(500).send(failed(error).body);
    }
  });
  return app;
}

function fastifyApp(): { handler: RequestListener; ready: () => Promise<void> } {
  let handler: RequestListener = () => undefined;
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    serverFactory: (h) => {
      handler = h as RequestListener;
      return createServer({ maxHeaderSize: MAX_HEADER }, h);
    },
  });
  app.post('/sink/:kind', async (req, reply) => {
    try {
      const kind = (req.params as { kind: SinkKind }).kind;
      return JSON.stringify(await runSink(kind, payloadOf(req.url, req.headers.cookie, req.body)));
    } catch (error) {
      if (!reply.sent) reply.code(500);
      return failed(error).body;
    }
  });
  return { handler: (req, res) => handler(req, res), ready: async () => void (await app.ready()) };
}

interface KoaApp {
  silent: boolean;
  use(mw: unknown): KoaApp;
  callback(): RequestListener;
}
interface KoaCtx {
  params: Record<string, string>;
  url: string;
  request: { body: unknown };
  headers: Record<string, unknown>;
  status: number;
  body: unknown;
}

function koaApp(): RequestListener {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  app.use(bodyParser({ jsonLimit: '32mb' }));
  router.post('/sink/:kind', async (ctx: KoaCtx) => {
    try {
      const out = await runSink(ctx.params.kind as SinkKind, payloadOf(ctx.url, ctx.headers.cookie, ctx.request.body));
      ctx.body = JSON.stringify(out);
    } catch (error) {
      ctx.status = 500;
      ctx.body = failed(error).body;
    }
  });
  app.use(router.routes());
  return app.callback();
}

// ---------------------------------------------------------------------------------------
// Padding shapes: each builds a request (query string, headers, JSON body) around a value.

interface Shaped {
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** Padding values that decode to new text three times over: four inputs each. */
const padValue = (i: number) => `%25252${i % 10}v${i}`;

const SHAPES: Record<string, (value: string) => Shaped> = {
  'many query parameters with decoded variants': (value) => ({
    query: `${Array.from({ length: 1500 }, (_, i) => `p${i}=${padValue(i)}`).join('&')}&q=${encodeURIComponent(value)}`,
    headers: {},
    body: { note: 'in the query' },
  }),
  'thousands of JSON keys before the payload': (value) => {
    const body: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) body[`k${i}`] = `value number ${i}`;
    body.payload = value;
    return { query: '', headers: {}, body };
  },
  'hundreds of headers, the payload in a cookie': (value) => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 500; i++) headers[`x-pad-${i}`] = padValue(i);
    headers.cookie = `session=abc; payload=${encodeURIComponent(value)}`;
    return { query: '', headers, body: { note: 'in a cookie' } };
  },
  'one oversized string first': (value) => ({ query: '', headers: {}, body: { blob: 'x'.repeat(1536 * 1024), payload: value } }),
  'deep nesting': (value) => {
    let body: Record<string, unknown> = { payload: value };
    for (let i = 0; i < 100; i++) body = { level: body };
    return { query: '', headers: {}, body };
  },
  'recursive filter-tree body': (value) => {
    // 3,000 conditions in and/or groups, the payload in the last leaf, 60 groups deep.
    let node: Record<string, unknown> = { field: 'name', op: 'eq', payload: value };
    for (let depth = 0; depth < 60; depth++) {
      const siblings = Array.from({ length: 50 }, (_, i) => ({ field: `f${depth}_${i}`, op: 'like', value: `v${i}%` }));
      node = { [depth % 2 === 0 ? 'and' : 'or']: [...siblings, node] };
    }
    return { query: '', headers: {}, body: { filter: node } };
  },
};

// ---------------------------------------------------------------------------------------
// Per sink: the attack, the benign value, and how each is judged.

let internal: TestServer;
let allowed: TestServer;

interface SinkCase {
  readonly attack: () => string;
  readonly benign: () => string;
  /** The attack's effect did not happen. */
  readonly effectAbsent: (t: Test, res: SimpleResponse) => void;
  /** What a benign call answers. */
  readonly served: (t: Test, res: SimpleResponse) => void;
}

const SINKS: Record<SinkKind, SinkCase> = {
  sql: {
    attack: () => SQLI,
    benign: () => 'alice',
    effectAbsent: (t, res) => {
      t.notMatch(res.text, /bob/, 'no row leaked');
      t.ok(db.intact(), 'table intact');
    },
    served: (t, res) => t.same(JSON.parse(res.text), [{ id: 1, name: 'alice' }]),
  },
  cmd: {
    attack: () => `hi; touch ${box.canary}`,
    benign: () => 'hello',
    effectAbsent: (t) => t.notOk(box.canaryExists(), 'no canary file'),
    served: (t, res) => t.equal(JSON.parse(res.text), 'hello'),
  },
  path: {
    attack: () => '../../secret.txt',
    benign: () => 'report.txt',
    effectAbsent: (t, res) => t.notMatch(res.text, new RegExp(box.secret), 'secret not returned'),
    served: (t, res) => t.equal(JSON.parse(res.text), REPORT),
  },
  ssrf: {
    attack: () => `http://127.0.0.1:${internal.port}/secret`,
    benign: () => `${allowed.origin}/hello`,
    effectAbsent: (t) => t.same(internal.hits, [], 'the internal server got no request'),
    served: (t, res) => t.match(JSON.parse(res.text), /hello/),
  },
};

const FRAMEWORKS: Record<string, { base: string }> = { express: { base: '' }, fastify: { base: '' }, koa: { base: '' } };
const servers: import('node:http').Server[] = [];

t.before(async () => {
  internal = await startServer('127.0.0.1');
  allowed = await startServer('127.0.0.2');
  const fastify = fastifyApp();
  await fastify.ready();
  const listeners: Record<string, RequestListener> = { express: expressApp(), fastify: fastify.handler, koa: koaApp() };
  for (const [name, listener] of Object.entries(listeners)) {
    const server = createServer({ maxHeaderSize: MAX_HEADER }, listener);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    FRAMEWORKS[name]!.base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  }
});
t.teardown(async () => {
  await Promise.all([internal.close(), allowed.close(), ...servers.map((s) => new Promise((resolve) => s.close(resolve)))]);
});

function send(base: string, kind: SinkKind, shaped: Shaped): Promise<SimpleResponse> {
  return request(`${base}/sink/${kind}${shaped.query === '' ? '' : `?${shaped.query}`}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...shaped.headers },
    body: JSON.stringify(shaped.body),
  });
}

for (const [shapeName, shape] of Object.entries(SHAPES)) {
  t.test(shapeName, async (t) => {
    for (const [framework, site] of Object.entries(FRAMEWORKS)) {
      for (const [kind, sink] of Object.entries(SINKS) as [SinkKind, SinkCase][]) {
        await t.test(`${framework} ${kind}`, async (t) => {
          events.reset();
          const attacked = await send(site.base, kind, shape(sink.attack()));
          t.equal(attacked.status, 403, 'refused');
          sink.effectAbsent(t, attacked);
          const finding = events.attacks()[0];
          t.not(finding?.attributes['security_rule.name'], 'rampart.input-limit', 'found as the attack it is, not as a limit');
          events.reset();
          const benign = await send(site.base, kind, shape(sink.benign()));
          t.equal(benign.status, 200, 'benign twin served (the process is up)');
          sink.served(t, benign);
          t.equal(events.attacks().length, 0, 'no finding for the benign twin');
        });
      }
    }
  });
}

// The same apps past a memory bound: refused as its own rule, never unchecked.
t.test('past a memory bound, the sink call is refused as rampart.input-limit', async (t) => {
  stop();
  start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] }, limits: { maxInputs: 1000 } });
  t.teardown(() => {
    stop();
    start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
  });
  for (const [framework, site] of Object.entries(FRAMEWORKS)) {
    events.reset();
    const res = await send(site.base, 'sql', SHAPES['thousands of JSON keys before the payload']!('alice'));
    t.equal(res.status, 403, `${framework}: refused`);
    const finding = events.attacks()[0];
    t.equal(finding?.attributes['security_rule.name'], 'rampart.input-limit', `${framework}: reported as the input limit`);
    t.equal(finding?.attributes['rampart.action'], 'blocked');
  }
  stop();
  start({ mode: 'monitor', logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] }, limits: { maxInputs: 1000 } });
  events.reset();
  const res = await send(FRAMEWORKS.express!.base, 'sql', SHAPES['thousands of JSON keys before the payload']!('alice'));
  t.equal(res.status, 200, 'monitor mode: served');
  t.equal(events.attacks()[0]?.attributes['security_rule.name'], 'rampart.input-limit', 'monitor mode: reported');
  t.equal(events.attacks()[0]?.attributes['rampart.action'], 'monitored');
});

