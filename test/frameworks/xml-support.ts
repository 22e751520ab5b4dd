// Shared by the XML parser tests: an Express and a Fastify app on loopback, and the order
// document they are sent.
import type { Server } from 'node:http';
import type { Test } from 'tap';
import { closeServer, listen } from '../helpers/http';

interface Closable {
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<unknown>;
}

/** Starts both servers before the tests and closes them after; returns their base URLs. */
export function serveExpressAndFastify(t: Test, expressServer: Server, fastify: Closable): { express: string; fastify: string } {
  const bases = { express: '', fastify: '' };
  t.before(async () => {
    bases.express = await listen(expressServer);
    bases.fastify = await fastify.listen({ port: 0, host: '127.0.0.1' });
  });
  t.teardown(() => Promise.all([closeServer(expressServer), fastify.close()]));
  return bases;
}

const apos = (text: string) => text.replace(/'/g, '&apos;');

/**
 * A POST of `<order ref="..."><customer><name>...</name></customer></order>`. XML escapes
 * make the parsed value differ from the raw body text: a quote is sent as `&apos;`.
 */
export function xmlOrder(name: string, ref?: string): { method: string; headers: Record<string, string>; body: string } {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body: `<order${ref === undefined ? '' : ` ref="${apos(ref)}"`}><customer><name>${apos(name)}</name></customer></order>`,
  };
}
