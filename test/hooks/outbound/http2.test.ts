// http2.connect (cleartext h2c) with a user-chosen authority.
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { fakeDns, failsWith } from './servers';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const http2 = require('node:http2') as typeof import('node:http2');

const sessions: Record<string, number> = { '127.0.0.1': 0, '127.0.0.2': 0 };
async function h2Server(host: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = http2.createServer();
  server.on('session', () => sessions[host]!++);
  server.on('stream', (stream) => {
    stream.respond({ ':status': 200, 'x-served-by': host });
    stream.end(`h2 hello from ${host}`);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let internal: { port: number; close(): Promise<void> };
let allowed: { port: number; close(): Promise<void> };
t.before(async () => {
  internal = await h2Server('127.0.0.1');
  allowed = await h2Server('127.0.0.2');
});
t.teardown(() => Promise.all([internal.close(), allowed.close()]));

const asQuery = (value: string) => ({ source: 'query' as const, name: 'url', value });

function get(session: import('node:http2').ClientHttp2Session): Promise<{ body?: string; servedBy?: unknown; error?: Error }> {
  return new Promise((resolve) => {
    session.on('error', (error) => resolve({ error }));
    const req = session.request({ ':path': '/' });
    let body = '';
    let servedBy: unknown;
    req.on('response', (headers) => (servedBy = headers['x-served-by']));
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      session.close();
      resolve({ body, servedBy });
    });
    req.on('error', () => undefined); // the session reports the same error
  });
}

t.test('literal authorities throw; names resolving to loopback fail the session', async (t) => {
  for (const host of ['127.0.0.1', '2130706433', '[::ffff:127.0.0.1]']) {
    const url = `http://${host}:${internal.port}`;
    t.type(await failsWith(() => withInput(asQuery(url), () => http2.connect(url))), RampartBlockedError, host);
  }
  const url = `http://localhost:${internal.port}`;
  const viaSystem = await withInput(asQuery(url), () => get(http2.connect(url)));
  t.type(viaSystem.error, RampartBlockedError, 'localhost');
  const lookup = fakeDns({ 'internal.test': '127.0.0.1' });
  const named = `http://internal.test:${internal.port}`;
  const viaTable = await withInput(asQuery(named), () => get(http2.connect(named, { lookup } as import('node:http2').ClientSessionOptions)));
  t.type(viaTable.error, RampartBlockedError, 'custom lookup');
  t.equal(sessions['127.0.0.1'], 0, 'no session reached the internal server');
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'http2.connect');
  events.reset();
});

t.test('benign: an allowlisted authority works as usual', async (t) => {
  const url = `http://127.0.0.2:${allowed.port}`;
  const plain = await get(http2.connect(url));
  const steered = await withInput(asQuery(url), () => get(http2.connect(new URL(url))));
  t.same(steered, plain);
  t.equal(steered.body, 'h2 hello from 127.0.0.2');
  t.equal(events.attacks().length, 0);
});
