// Hostile request shapes shared by the fastify and koa tests: 100k query keys, a 10 MB
// JSON body, 10k-deep nesting, invalid UTF-8, prototype-polluting keys. Sent with
// node:http so the bytes are exactly what the test says.
import { request as httpRequest } from 'node:http';
import type { Test } from 'tap';
import { currentContext } from '../../src/context/store';

export const LIMITS = { maxInputs: 5000, maxBytes: 2 * 1024 * 1024, maxDepth: 32 };

/** What the test routes report about the request's collected inputs. */
export interface Collected {
  readonly count: number;
  readonly bytes: number;
  readonly truncated: boolean;
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
    truncated: ctx.truncated,
    deepest: Math.max(0, ...inputs.map((i) => i.path.split('.').length)),
    sample: inputs.filter((i) => i.source === 'body').slice(0, 3).map((i) => i.value),
  };
}

export function within(t: Test, body: Collected): void {
  t.ok(body.count <= LIMITS.maxInputs, `count ${body.count} <= maxInputs`);
  t.ok(body.bytes <= LIMITS.maxBytes, `bytes ${body.bytes} <= maxBytes`);
}
