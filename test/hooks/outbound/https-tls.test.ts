// https.request / https.get and tls.connect against loopback TLS servers.
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { closeServer, collect, fakeDns, failsWith } from './servers';
import { makeCert } from './tls-certs';

const { key, cert } = makeCert();
const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const https = require('node:https') as typeof import('node:https');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tls = require('node:tls') as typeof import('node:tls');

const hits: Record<string, number> = { '127.0.0.1': 0, '127.0.0.2': 0 };
const tlsHits: Record<string, number> = { '127.0.0.1': 0, '127.0.0.2': 0 };
async function serve(host: string): Promise<{ https: number; tls: number; close(): Promise<void> }> {
  const server = https.createServer({ key, cert }, (_req, res) => {
    hits[host]!++;
    res.writeHead(200, { 'x-served-by': host }).end(`tls hello from ${host}`);
  });
  const raw = tls.createServer({ key, cert }, (socket) => {
    tlsHits[host]!++;
    socket.end(`raw tls from ${host}`);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  await new Promise<void>((resolve) => raw.listen(0, host, resolve));
  return {
    https: (server.address() as AddressInfo).port,
    tls: (raw.address() as AddressInfo).port,
    close: async () => {
      await closeServer(server);
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    },
  };
}

let internal: Awaited<ReturnType<typeof serve>>;
let allowed: Awaited<ReturnType<typeof serve>>;
t.before(async () => {
  internal = await serve('127.0.0.1');
  allowed = await serve('127.0.0.2');
});
t.teardown(() => Promise.all([internal.close(), allowed.close()]));

const asQuery = (value: string) => ({ source: 'query' as const, name: 'url', value });
const lookup = fakeDns({ 'internal.test': '127.0.0.1', 'public.test': '127.0.0.2' });

function readTls(socket: import('node:tls').TLSSocket): Promise<{ data?: string; error?: Error }> {
  return new Promise((resolve) => {
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('end', () => resolve({ data }));
    socket.on('error', (error) => resolve({ error }));
  });
}

t.test('https: literal hosts throw, DNS names to loopback error, nothing reaches the server', async (t) => {
  for (const host of ['127.0.0.1', '2130706433', '0x7f.1']) {
    const url = `https://${host}:${internal.https}/secret`;
    t.type(await failsWith(() => withInput(asQuery(url), () => https.get(url, { ca: cert }))), RampartBlockedError, host);
  }
  for (const url of [`https://localhost:${internal.https}/secret`, `https://internal.test:${internal.https}/secret`]) {
    const result = await withInput(asQuery(url), () => collect(https.get(url, { ca: cert, lookup: url.includes('localhost') ? undefined : lookup })));
    t.type(result.error, RampartBlockedError, url);
  }
  t.equal(hits['127.0.0.1'], 0);
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'https.request');
  events.reset();
});

t.test('https: allowlisted destinations answer as usual; rebinding is caught', async (t) => {
  const url = `https://public.test:${allowed.https}/hello`;
  const plain = await collect(https.get(url, { ca: cert, lookup }));
  const steered = await withInput(asQuery(url), () => collect(https.get(url, { ca: cert, lookup })));
  t.equal(steered.status, 200);
  t.equal(steered.body, plain.body);
  t.equal(steered.headers?.['x-served-by'], '127.0.0.2');
  let calls = 0;
  const rebinding = fakeDns({ 'rebind.test': () => (calls++ === 0 ? '127.0.0.2' : '127.0.0.1') });
  const first = await withInput(asQuery('https://rebind.test/'), () => collect(https.get(`https://rebind.test:${allowed.https}/`, { ca: cert, lookup: rebinding, agent: false })));
  t.equal(first.body, 'tls hello from 127.0.0.2');
  const second = await withInput(asQuery('https://rebind.test/'), () => collect(https.get(`https://rebind.test:${internal.https}/`, { ca: cert, lookup: rebinding, agent: false })));
  t.type(second.error, RampartBlockedError);
  t.equal(hits['127.0.0.1'], 0);
  events.reset();
});

t.test('https: certificate errors are unchanged', async (t) => {
  const url = `https://127.0.0.2:${allowed.https}/`;
  const plain = await collect(https.get(url));
  const steered = await withInput(asQuery(url), () => collect(https.get(url)));
  t.equal((steered.error as NodeJS.ErrnoException).code, (plain.error as NodeJS.ErrnoException).code);
  t.equal((steered.error as NodeJS.ErrnoException).code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
});

t.test('tls.connect: refused for internal hosts, unchanged for allowed ones', async (t) => {
  const attacks = [
    () => tls.connect(internal.tls, '127.0.0.1', { ca: cert }),
    () => tls.connect({ host: 'localhost', port: internal.tls, ca: cert }),
    () => tls.connect({ host: 'internal.test', port: internal.tls, ca: cert, servername: 'internal.test', lookup }),
  ];
  for (const [i, connect] of attacks.entries()) {
    const value = ['127.0.0.1', 'localhost', 'internal.test'][i]!;
    const result = await withInput({ source: 'body', name: 'host', value }, () => readTls(connect()));
    t.type(result.error, RampartBlockedError, value);
  }
  t.equal(tlsHits['127.0.0.1'], 0);
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'tls.connect');
  const ok = await withInput({ source: 'body', name: 'host', value: 'public.test' }, () =>
    readTls(tls.connect({ host: 'public.test', port: allowed.tls, ca: cert, servername: 'public.test', lookup })),
  );
  t.equal(ok.data, 'raw tls from 127.0.0.2');
  t.equal(events.attacks().length, 3);
  events.reset();
});
