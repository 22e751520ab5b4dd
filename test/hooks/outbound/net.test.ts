// net.connect, net.createConnection and Socket#connect with a user-chosen host.
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { fakeDns } from './servers';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = require('node:net') as typeof import('node:net');

const connections: Record<string, number> = { '127.0.0.1': 0, '127.0.0.2': 0 };
async function tcpServer(host: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    connections[host]!++;
    socket.end(`banner from ${host}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let internal: { port: number; close(): Promise<void> };
let allowed: { port: number; close(): Promise<void> };
t.before(async () => {
  internal = await tcpServer('127.0.0.1');
  allowed = await tcpServer('127.0.0.2');
});
t.teardown(() => Promise.all([internal.close(), allowed.close()]));

function read(socket: import('node:net').Socket): Promise<{ data?: string; error?: Error; connected: boolean }> {
  return new Promise((resolve) => {
    let data = '';
    let connected = false;
    socket.on('connect', () => (connected = true));
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('end', () => resolve({ data, connected }));
    socket.on('error', (error) => resolve({ error, connected }));
  });
}

const lookup = fakeDns({ 'internal.test': '127.0.0.1', 'public.test': '127.0.0.2' });
const asBody = (value: string) => ({ source: 'body' as const, name: 'host', value });

t.test('every connect form refuses a user-chosen loopback host without connecting', async (t) => {
  const attacks: Array<[string, () => import('node:net').Socket]> = [
    ['127.0.0.1', () => net.connect(internal.port, '127.0.0.1')],
    ['2130706433', () => net.connect({ host: '2130706433', port: internal.port })],
    ['0x7f.1', () => net.createConnection({ host: '0x7f.1', port: internal.port })],
    ['localhost', () => net.createConnection(internal.port, 'localhost')],
    ['internal.test', () => net.connect({ host: 'internal.test', port: internal.port, lookup })],
    ['127.0.0.1', () => new net.Socket().connect(internal.port, '127.0.0.1')],
    ['internal.test', () => new net.Socket().connect({ port: internal.port, host: 'internal.test', lookup }, () => t.fail('never connects'))],
  ];
  for (const [value, connect] of attacks) {
    const result = await withInput(asBody(value), () => read(connect()));
    t.type(result.error, RampartBlockedError, value);
    t.equal(result.connected, false);
  }
  t.equal(connections['127.0.0.1'], 0, 'the internal server saw no connection');
  const attacksSeen = events.attacks();
  t.equal(attacksSeen.length, attacks.length);
  t.equal(attacksSeen[0]?.attributes['rampart.sink'], 'net.connect');
  t.equal(attacksSeen[0]?.attributes['server.port'], internal.port);
  events.reset();
});

t.test('benign: allowed hosts connect and read as usual, errors unchanged', async (t) => {
  const ok = await withInput(asBody('public.test'), () => read(net.connect({ host: 'public.test', port: allowed.port, lookup })));
  t.equal(ok.data, 'banner from 127.0.0.2\n');
  const direct = await withInput(asBody('127.0.0.2'), () => read(net.connect(allowed.port, '127.0.0.2')));
  t.equal(direct.data, 'banner from 127.0.0.2\n');
  const unknown = await withInput(asBody('missing.test'), () => read(net.connect({ host: 'missing.test', port: 1, lookup })));
  t.equal((unknown.error as NodeJS.ErrnoException).code, 'ENOTFOUND');
  t.equal(events.attacks().length, 0);
});

t.test('connections the app makes on its own, or with unrelated input, are left alone', async (t) => {
  const own = await read(net.connect(internal.port, '127.0.0.1'));
  t.equal(own.data, 'banner from 127.0.0.1\n');
  const unrelated = await withInput(asBody('hello'), () => read(net.connect({ host: 'internal.test', port: internal.port, lookup })));
  t.equal(unrelated.data, 'banner from 127.0.0.1\n');
  const pipe = await withInput(asBody('/tmp/x'), () => read(net.connect('/nonexistent/rampart.sock')));
  t.equal((pipe.error as NodeJS.ErrnoException).code, 'ENOENT', 'unix sockets are not network destinations');
  t.equal(events.attacks().length, 0);
  connections['127.0.0.1'] = 0;
});

t.test('Socket#connect keeps its shape', async (t) => {
  const wrapped = net.Socket.prototype.connect;
  stop();
  const original = net.Socket.prototype.connect;
  start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
  t.not(wrapped, original);
  t.equal(wrapped.name, original.name);
  t.equal(wrapped.length, original.length);
  const socket = new net.Socket();
  t.equal(withInput(asBody('public.test'), () => socket.connect({ host: 'public.test', port: allowed.port, lookup })), socket, 'returns the socket');
  const result = await read(socket);
  t.equal(result.data, 'banner from 127.0.0.2\n');
});
