import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Test } from 'tap';

export interface SimpleResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json(): unknown;
}

/** Listens on an ephemeral loopback port and returns the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function request(url: string, init?: RequestInit): Promise<SimpleResponse> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<SimpleResponse> {
  return request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Moves a server the app already started (`app.listen()` binds every interface) to an
 * ephemeral loopback port before the file's tests, and closes it after them. `site.base`
 * is the base URL once the tests run.
 */
export function serveOnLoopback(t: Test, server: Server): { readonly base: string } {
  const site = { base: '' };
  t.before(async () => {
    server.close();
    site.base = await listen(server);
  });
  t.teardown(() => closeServer(server));
  return site;
}
