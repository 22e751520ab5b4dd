// Hostile shapes through the previous majors (express 4, fastify 4, koa 2 with
// @koa/router and koa-body, from the legacy fixture): every request reaches a SQL sink,
// so rampart collects its inputs; none crashes the server, and the collection stays
// within limits.*.
import { createServer, type Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { LIMITS, collected, hostileShapeTests } from './hostile';
import { legacyMajor, requireLegacy } from './legacy';
import { usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent', limits: LIMITS });
t.teardown(stop);

const db = usersDb();
const probe = () => ({ rows: db.findUser('alice').length, ...collected() });
// Large headers allowed so 100k query keys reach the app instead of a 431.
const serverFor = (handler: unknown): Server => createServer({ maxHeaderSize: 4 * 1024 * 1024 }, handler as never);

function express4(): Server {
  const express = requireLegacy('express');
  const app = express();
  app.use(express.json({ limit: '20mb' }));
  const handler = (_req: unknown, res: { json(v: unknown): void }) => res.json(probe());
  app.get('/probe', handler);
  app.post('/probe', handler);
  return serverFor(app);
}

function fastify4(): { server: Server; ready(): Promise<unknown> } {
  const Fastify = requireLegacy('fastify');
  let server!: Server;
  const app = Fastify({
    bodyLimit: 20 * 1024 * 1024,
    serverFactory: (handler: unknown) => (server = serverFor(handler)),
  });
  app.get('/probe', async () => probe());
  app.post('/probe', async () => probe());
  return { server, ready: () => app.ready() };
}

function koa2(): Server {
  const Koa = requireLegacy('koa');
  const Router = requireLegacy('@koa/router');
  const { koaBody } = requireLegacy('koa-body');
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  const route = (ctx: { body: unknown }) => void (ctx.body = probe());
  router.get('/probe', route);
  router.post('/probe', route);
  app.use(koaBody({ jsonLimit: '20mb' }));
  app.use(router.routes());
  return serverFor(app.callback());
}

const fastify = fastify4();
const servers: Record<string, Server> = { 'express 4': express4(), 'fastify 4': fastify.server, 'koa 2': koa2() };
const bases: Record<string, string> = {};
t.before(async () => {
  await fastify.ready();
  for (const [name, server] of Object.entries(servers)) bases[name] = await listen(server);
});
t.teardown(() => Promise.all(Object.values(servers).map(closeServer)));

t.same([legacyMajor('express'), legacyMajor('fastify'), legacyMajor('koa')], [4, 4, 2], 'the previous majors are under test');
for (const name of Object.keys(servers)) {
  t.test(name, async (t) => hostileShapeTests(t, () => bases[name]!, () => events.attacks(), { rejectsInvalidUtf8Body: name === 'fastify 4' }));
}
