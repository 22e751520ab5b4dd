// The late-source mechanism over real HTTP: nothing is collected for requests that never
// reach a sink; a body parsed after the request started is seen at the first check;
// unchanged sources are not walked again at later checks; a replaced one is, within the
// same budget. Also the bearer-token decoding edge cases.
import t from 'tap';
import { start, stop } from '../../src/index';
import { currentContext } from '../../src/context/store';
import { RequestContext } from '../../src/context/request-context';
import { decodeJwtPayload } from '../../src/context/jwt';
import { closeServer, listen, postJson, request } from '../helpers/http';
import { fakeJwt } from './support';

start({ logLevel: 'silent', limits: { maxInputs: 50 } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');

interface Internals {
  fixed?: unknown;
  late?: unknown;
  budget?: unknown;
  pending?: unknown;
}
const internals = (ctx: RequestContext | undefined) => ctx as unknown as Internals;

let lastUntouched: Internals | undefined;
const app = express();
app.use(express.json());
app.get('/no-sink', (_req, res) => {
  const ctx = internals(currentContext());
  lastUntouched = { fixed: ctx.fixed, late: ctx.late, budget: ctx.budget, pending: ctx.pending };
  res.end('ok');
});
app.post('/late', (req, res) => {
  const ctx = currentContext()!;
  let reads = 0;
  // Counts how often the walk touches the body.
  const body = req.body as Record<string, unknown>;
  const counted = Object.defineProperty({}, 'name', { enumerable: true, get: () => (reads++, body.name) });
  req.body = counted;
  const first = ctx.inputs().some((i) => i.source === 'body' && i.value === body.name);
  ctx.inputs();
  ctx.inputs();
  const readsAfterThreeChecks = reads;
  req.body = { name: 'replaced', other: 'value' };
  const replaced = ctx.inputs().filter((i) => i.source === 'body').map((i) => i.value);
  // Replacing many times never exhausts the budget: the old walk's share is given back.
  for (let i = 0; i < 100; i++) {
    req.body = { name: `n${i}` };
    ctx.inputs();
  }
  const afterMany = ctx.inputs().filter((i) => i.source === 'body').map((i) => i.value);
  res.json({ first, readsAfterThreeChecks, replaced, afterMany, truncated: ctx.inputLimit !== undefined });
});

let base = '';
const server = app.listen();
t.before(async () => {
  server.close();
  base = await listen(server);
});
t.teardown(() => closeServer(server));

t.test('a request that reaches no sink collects nothing', async (t) => {
  await request(`${base}/no-sink?q=1`, { headers: { authorization: `Bearer ${fakeJwt({ a: 'b' })}` } });
  t.same(lastUntouched, { fixed: undefined, late: undefined, budget: undefined, pending: undefined });
});

t.test('late body: seen at the first check, walked once while unchanged, re-walked when replaced', async (t) => {
  const res = await postJson(`${base}/late`, { name: "o'brien" });
  const body = res.json() as { first: boolean; readsAfterThreeChecks: number; replaced: string[]; afterMany: string[]; truncated: boolean };
  t.equal(body.first, true);
  t.equal(body.readsAfterThreeChecks, 1);
  t.same(body.replaced.sort(), ['replaced', 'value']);
  t.same(body.afterMany, ['n99']);
  t.equal(body.truncated, false);
});

t.test('framework values that repeat the raw query are not collected twice', async (t) => {
  const ctx = new RequestContext({ maxInputs: 100, maxBytes: 10_000 }, { url: '/x?a=1&b=two%20words', headers: {} } as never);
  ctx.attach({ name: 'test', sources: [{ source: 'query', path: '', read: (q: unknown) => q, dedupe: true }] }, { a: '1', b: 'two words', c: ['split', 'values'] });
  const query = ctx.inputs().filter((i) => i.source === 'query');
  t.same(query.map((i) => `${i.path}=${i.value}`).sort(), ['a=1', 'b=two words', 'c.0=split', 'c.1=values']);
});

t.test('bearer tokens: only a three-part token with a JSON object payload is decoded', async (t) => {
  const claims = { sub: 'u1', nested: { role: "ad'min" } };
  t.same(decodeJwtPayload(fakeJwt(claims), 10_000), claims);
  t.equal(decodeJwtPayload('abc', 10_000), undefined, 'not a JWT');
  t.equal(decodeJwtPayload('a.b.c.d.e', 10_000), undefined, 'JWE (five parts)');
  t.equal(decodeJwtPayload(`x.${Buffer.from('[1,2]').toString('base64url')}.y`, 10_000), undefined, 'payload not an object');
  t.equal(decodeJwtPayload('x.%%%.y', 10_000), undefined, 'not base64url');
  t.equal(decodeJwtPayload(`x.${Buffer.from('{"a":').toString('base64url')}.y`, 10_000), undefined, 'broken JSON');
  t.equal(decodeJwtPayload(fakeJwt(claims), 10), undefined, 'over the byte budget');
  const polluting = `x.${Buffer.from('{"__proto__":{"polluted":"yes"}}').toString('base64url')}.y`;
  t.same(Object.keys(decodeJwtPayload(polluting, 10_000) as object), ['__proto__'], 'an own key, not the prototype');
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});
