// User input collection over real HTTP: each source, decoded variants, hostile shapes.
import t from 'tap';
import { start, stop } from '../../src/index';
import { currentContext } from '../../src/context/store';
import { closeServer, listen, postJson, request } from '../helpers/http';
import type { UserInput } from '../../src/detect/types';

start({ logLevel: 'silent', limits: { maxInputs: 5000, maxBytes: 2 * 1024 * 1024 } });
t.teardown(stop);

// Loaded after start, as a user would with --require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');

const app = express();
app.use(express.json({ limit: '20mb' }));
app.use(express.urlencoded({ extended: false }));
app.all('/items/:id/:slug', (_req, res) => res.json(currentContext()?.inputs() ?? null));
app.all('/plain', (_req, res) => res.json(currentContext()?.inputs() ?? null));
app.all('/truncated', (_req, res) => {
  const ctx = currentContext()!;
  const inputs = ctx.inputs();
  res.json({ count: inputs.length, limit: ctx.inputLimit ?? null });
});
// A check runs before anything fills the body, then a parser (here, the route) sets one:
// the next check must see it, and an empty body or empty params add nothing.
app.get('/late', (req, res) => {
  const ctx = currentContext()!;
  const before = ctx.inputs().map((i) => i.value);
  (req as { body?: unknown }).body = {};
  const empty = ctx.inputs().map((i) => i.value);
  (req as { body?: unknown }).body = { q: "x' OR 1=1" };
  const after = ctx.inputs().map((i) => i.value);
  (req as { body?: unknown }).body = [];
  const emptied = ctx.inputs().map((i) => i.value);
  res.json({ before, empty, after, emptied });
});
const server = app.listen();
let base = '';
t.before(async () => {
  server.close();
  base = await listen(server);
});
t.teardown(() => closeServer(server));

function has(inputs: UserInput[], source: string, path: string, value: string): boolean {
  return inputs.some((i) => i.source === source && i.path === path && i.value === value);
}

t.test('query, repeated keys and their joined form, path segments, params, headers, cookies, JSON body', async (t) => {
  const res = await postJson(
    `${base}/items/42/hello%20world?q=abc&tag=a&tag=b&enc=%2527x`,
    { user: { name: "o'brien", roles: ['admin', 'dev'] }, count: 3, 'weird key;': 1 },
    { 'x-custom': 'header-value', cookie: 'session=s3cr3t; theme="dark%20mode"' },
  );
  t.equal(res.status, 200);
  const inputs = res.json() as UserInput[];
  t.ok(has(inputs, 'query', 'q', 'abc'), 'query value');
  t.ok(has(inputs, 'query', 'tag', 'a') && has(inputs, 'query', 'tag', 'b'), 'repeated keys');
  t.ok(has(inputs, 'query', 'tag', 'a,b'), 'comma-joined repeated keys (HPP)');
  t.ok(has(inputs, 'query', 'enc', '%27x') && has(inputs, 'query', 'enc', "'x"), 'decoded once more by us');
  t.ok(has(inputs, 'path', 'hello%20world', 'hello world'), 'path segments, decoded');
  t.notOk(inputs.some((i) => i.source === 'path' && i.value === 'items'), 'plain-word segments are route literals, not inputs');
  t.ok(has(inputs, 'params', 'id', '42') && has(inputs, 'params', 'slug', 'hello world'), 'route params');
  t.ok(has(inputs, 'headers', 'x-custom', 'header-value'), 'headers');
  t.ok(has(inputs, 'cookies', 'session', 's3cr3t') && has(inputs, 'cookies', 'theme', 'dark mode'), 'cookies, unquoted and decoded');
  t.notOk(inputs.some((i) => i.source === 'headers' && i.path === 'cookie'), 'raw cookie header is not an input of its own');
  t.ok(has(inputs, 'body', 'user.name', "o'brien") && has(inputs, 'body', 'user.roles.1', 'dev'), 'nested body with paths');
  t.ok(has(inputs, 'body', 'weird key;', 'weird key;'), 'object keys with non-word characters');
  t.notOk(inputs.some((i) => i.path === 'count'), 'numbers carry no structure');
});

t.test('urlencoded and text bodies', async (t) => {
  const res = await request(`${base}/plain`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'name=x%27+OR+1%3D1&empty=',
  });
  const inputs = res.json() as UserInput[];
  t.ok(has(inputs, 'body', 'name', "x' OR 1=1"));
});

t.test('hostile: __proto__ keys do not pollute and are read as data', async (t) => {
  const res = await request(`${base}/plain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
  });
  t.equal(res.status, 200);
  const inputs = res.json() as UserInput[];
  t.ok(has(inputs, 'body', '__proto__.polluted', 'yes'));
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});

t.test('hostile: a value 10k levels deep is still an input (no depth cut-off)', async (t) => {
  const deep = '{"a":'.repeat(10_000) + '"bottom"' + '}'.repeat(10_000);
  const res = await request(`${base}/plain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep });
  t.equal(res.status, 200);
  const inputs = res.json() as UserInput[];
  t.ok(inputs.some((i) => i.value === 'bottom'), 'the deepest value is collected');
});

t.test('hostile: 100k parameters past maxInputs record the input limit, never a silent cut', async (t) => {
  const many = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, `v${i}`]));
  const res = await postJson(`${base}/truncated`, many);
  t.equal(res.status, 200);
  const body = res.json() as { count: number; limit: { bound: string; source: string } | null };
  t.ok(body.count <= 5000, `count ${body.count} within maxInputs`);
  t.same(body.limit && { bound: body.limit.bound, source: body.limit.source }, { bound: 'maxInputs', source: 'body' });
});

t.test('hostile: a 10 MB JSON body past maxBytes records the input limit', async (t) => {
  const big = { items: Array.from({ length: 10_000 }, (_, i) => `${i}-${'x'.repeat(1000)}`) };
  const res = await postJson(`${base}/truncated`, big);
  t.equal(res.status, 200);
  const body = res.json() as { count: number; limit: { bound: string } | null };
  t.equal(body.limit?.bound, 'maxBytes');
});

t.test('a long query string (1,500 parameters, near the header limit) is collected within bounds', async (t) => {
  const query = Array.from({ length: 1500 }, (_, i) => `k${i}=v${i}`).join('&');
  const res = await request(`${base}/truncated?${query}`);
  t.equal(res.status, 200);
  t.ok((res.json() as { count: number }).count >= 1500);
});

t.test('hostile: invalid UTF-8 and malformed percent escapes', async (t) => {
  const res = await request(`${base}/plain?bad=%E0%A4%A&utf=%C3%28&pct=%`);
  t.equal(res.status, 200);
  const inputs = res.json() as UserInput[];
  t.ok(inputs.some((i) => i.path === 'bad'));
  t.ok(inputs.some((i) => i.path === 'pct' && i.value === '%'));
});

t.test('a body that appears after the first check is collected at the next one; empty containers add nothing', async (t) => {
  const res = await request(`${base}/late?name=ann`);
  t.equal(res.status, 200);
  const { before, empty, after, emptied } = res.json() as Record<string, string[]>;
  t.ok(before!.includes('ann'), 'query value before any body');
  t.same(empty, before, 'an empty body object adds no input');
  t.ok(after!.includes("x' OR 1=1") && after!.includes('ann'), 'the body set later is an input, the query still is');
  t.same(emptied, before, 'an empty array body adds no input and drops the old body inputs');
});
