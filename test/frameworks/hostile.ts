// Hostile request shapes shared by the fastify and koa tests: 100k query keys, a 10 MB
// JSON body, 10k-deep nesting, invalid UTF-8, prototype-polluting keys. Sent with
// node:http so the bytes are exactly what the test says.
import { request as httpRequest } from 'node:http';
import type { Test } from 'tap';
import { currentContext } from '../../src/context/store';

// The default memory bounds: far above every shape below, so each is collected in full.
export const LIMITS = { maxInputs: 1_000_000, maxBytes: 64 * 1024 * 1024 };

/** What the test routes report about the request's collected inputs. */
export interface Collected {
  readonly count: number;
  readonly bytes: number;
  /** The memory bound reached, or null: none of these shapes may reach one. */
  readonly limit: string | null;
  readonly deepest: number;
  readonly sample: string[];
}

export function send(base: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const manyKeysQuery = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v${i}`).join('&');
export const bigJson = () => JSON.stringify({ items: Array.from({ length: 10_000 }, (_, i) => `${i}-${'x'.repeat(1000)}`) });
export const deepJson = (depth: number) => '{"a":'.repeat(depth) + '"bottom"' + '}'.repeat(depth);
/** A JSON body whose string holds bytes that are not UTF-8 (lone continuation, truncated sequence). */
export const invalidUtf8Json = () => Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xc3, 0x28, 0xe0, 0xa4, 0x80, 0xff]), Buffer.from('b"}')]);

/** Called by a route after a sink check: what the current request's context collected. */
export function collected(): Collected {
  const ctx = currentContext()!;
  const inputs = ctx.inputs();
  return {
    count: inputs.length,
    bytes: inputs.reduce((n, i) => n + i.value.length, 0),
    limit: ctx.inputLimit?.bound ?? null,
    deepest: Math.max(0, ...inputs.map((i) => i.path.split('.').length)),
    sample: inputs.filter((i) => i.source === 'body').slice(0, 3).map((i) => i.value),
  };
}

export function within(t: Test, body: Collected): void {
  t.ok(body.count <= LIMITS.maxInputs, `count ${body.count} <= maxInputs`);
  t.ok(body.bytes <= LIMITS.maxBytes, `bytes ${body.bytes} <= maxBytes`);
  t.equal(body.limit, null, 'no memory bound reached');
}

export interface HostileOptions {
  /**
   * The framework answers 400 to a body that is not valid UTF-8 before any route runs
   * (fastify 4 compares the decoded length with Content-Length): the invalid query and
   * header are then sent without a body.
   */
  readonly rejectsInvalidUtf8Body?: boolean;
}

/**
 * The hostile-shape cases every framework must survive, against a server whose `/probe`
 * route runs a SQL sink and answers with `{ rows, ...collected() }`.
 */
export function hostileShapeTests(t: Test, base: () => string, attacks: () => readonly unknown[], options: HostileOptions = {}): void {
  t.test('100k query keys', async (t) => {
    const res = await send(base(), `/probe?${manyKeysQuery(100_000)}`);
    t.equal(res.status, 200);
    const body = JSON.parse(res.text) as Collected & { rows: number };
    t.equal(body.rows, 1, 'the sink ran normally');
    within(t, body);
    t.ok(body.count >= 100_000, `every key collected (${body.count} inputs)`);
  });

  t.test('10 MB JSON body', async (t) => {
    const res = await send(base(), '/probe', bigJson(), { 'content-type': 'application/json' });
    t.equal(res.status, 200);
    const body = JSON.parse(res.text) as Collected;
    within(t, body);
    t.ok(body.count >= 10_000, `every item collected (${body.count} inputs)`);
  });

  t.test('10k-deep nesting', async (t) => {
    const res = await send(base(), '/probe', deepJson(10_000), { 'content-type': 'application/json' });
    t.equal(res.status, 200);
    const body = JSON.parse(res.text) as Collected;
    within(t, body);
    t.ok(body.deepest >= 10_000, `the value at the bottom is an input (no depth cut-off): ${body.deepest} segments`);
  });

  t.test('invalid UTF-8 in the body, the query and a header', async (t) => {
    const res = await send(base(), '/probe?bad=%C3%28%E0%A4&pct=%', invalidUtf8Json(), { 'content-type': 'application/json', 'x-bytes': '\u00ff\u00fe' });
    if (options.rejectsInvalidUtf8Body === true) {
      t.equal(res.status, 400, 'the framework rejects the body before any route runs');
      const again = await send(base(), '/probe?bad=%C3%28%E0%A4&pct=%', undefined, { 'x-bytes': '\u00ff\u00fe' });
      t.equal(again.status, 200, 'invalid query and header served');
      within(t, JSON.parse(again.text) as Collected);
      return;
    }
    t.equal(res.status, 200);
    const body = JSON.parse(res.text) as Collected;
    within(t, body);
    t.ok(body.sample.some((v) => v.includes('\ufffd')), 'decoded with replacement characters, still an input');
  });

  t.test('__proto__ keys: rejected by the body parser or read as data, never polluting', async (t) => {
    const res = await send(base(), '/probe', '{"__proto__":{"polluted":"yes"},"a":{"constructor":{"prototype":{"polluted":"yes"}}}}', { 'content-type': 'application/json' });
    t.ok(res.status === 200 || res.status === 400, `status ${res.status}`);
    t.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  t.test('the server still serves normal requests, and nothing was reported', async (t) => {
    const res = await send(base(), '/probe?name=alice');
    t.equal(res.status, 200);
    t.equal((JSON.parse(res.text) as { rows: number }).rows, 1);
    t.equal(attacks().length, 0);
  });
}
