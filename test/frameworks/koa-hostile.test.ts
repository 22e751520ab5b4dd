// Hostile shapes through koa with @koa/router and @koa/bodyparser: every request reaches
// a SQL sink, so rampart collects its inputs; none crashes the server, and the
// collection stays within limits.*.
import { createServer, type Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { LIMITS, bigJson, collected, deepJson, invalidUtf8Json, manyKeysQuery, send, within, type Collected } from './hostile';
import { usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent', limits: LIMITS });
t.teardown(stop);

interface KoaApp {
  silent: boolean;
  use(mw: unknown): KoaApp;
  callback(): (req: unknown, res: unknown) => void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Koa = require('koa') as new () => KoaApp;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Router = require('@koa/router') as typeof import('@koa/router').default;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bodyParser } = require('@koa/bodyparser') as typeof import('@koa/bodyparser');
const db = usersDb();

const app = new Koa();
app.silent = true;
const router = new Router();
const probe = (ctx: { body: unknown }) => void (ctx.body = { rows: db.findUser('alice').length, ...collected() });
router.get('/probe', probe);
router.post('/probe', probe);
app.use(bodyParser({ jsonLimit: '20mb' }));
app.use(router.routes());

// Large headers allowed so 100k query keys reach the app instead of a 431.
const server: Server = createServer({ maxHeaderSize: 4 * 1024 * 1024 }, app.callback() as never);
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(() => closeServer(server));

t.test('100k query keys', async (t) => {
  const res = await send(base, `/probe?${manyKeysQuery(100_000)}`);
  t.equal(res.status, 200);
  const body = JSON.parse(res.text) as Collected & { rows: number };
  t.equal(body.rows, 1, 'the sink ran normally');
  within(t, body);
  t.equal(body.truncated, true, 'cut at maxInputs');
});

t.test('10 MB JSON body', async (t) => {
  const res = await send(base, '/probe', bigJson(), { 'content-type': 'application/json' });
  t.equal(res.status, 200);
  const body = JSON.parse(res.text) as Collected;
  within(t, body);
  t.equal(body.truncated, true, 'cut at maxBytes');
  t.ok(body.sample.length > 0, 'the first items are inputs');
});

t.test('10k-deep nesting', async (t) => {
  const res = await send(base, '/probe', deepJson(10_000), { 'content-type': 'application/json' });
  t.equal(res.status, 200);
  const body = JSON.parse(res.text) as Collected;
  within(t, body);
  t.ok(body.deepest <= LIMITS.maxDepth, `deepest path ${body.deepest} <= maxDepth`);
  t.equal(body.truncated, true);
});

t.test('invalid UTF-8 in the body, the query and a header', async (t) => {
  const res = await send(base, '/probe?bad=%C3%28%E0%A4&pct=%', invalidUtf8Json(), { 'content-type': 'application/json', 'x-bytes': '\u00ff\u00fe' });
  t.equal(res.status, 200);
  const body = JSON.parse(res.text) as Collected;
  within(t, body);
  t.ok(body.sample.some((v) => v.includes('\ufffd')), 'decoded with replacement characters, still an input');
});

t.test('__proto__ keys: rejected by the body parser or read as data, never polluting', async (t) => {
  const res = await send(base, '/probe', '{"__proto__":{"polluted":"yes"},"a":{"constructor":{"prototype":{"polluted":"yes"}}}}', { 'content-type': 'application/json' });
  t.ok(res.status === 200 || res.status === 400, `status ${res.status}`);
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});

t.test('the server still serves normal requests, and nothing was reported', async (t) => {
  const res = await send(base, '/probe?name=alice');
  t.equal(res.status, 200);
  t.equal((JSON.parse(res.text) as { rows: number }).rows, 1);
  t.equal(events.attacks().length, 0);
});
