// Monitor mode: every outbound sink lets the call run and reports exactly one finding,
// however many places judged it (call time, lookup, connect, reused socket, redirect).
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { collect, fakeDns, loopbackServers } from './servers';

const events = captureOtelLogs();
start({ logLevel: 'silent', modes: { ssrf: 'monitor' }, ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require('node:http') as typeof import('node:http');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = require('node:net') as typeof import('node:net');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const undici = require('undici') as typeof import('undici');

const servers = loopbackServers(t);

const asQuery = (value: string) => ({ source: 'query' as const, name: 'url', value });
const lookup = fakeDns({ 'internal.test': '127.0.0.1' });

/** Runs one attack and checks: it reached the internal server, one monitored finding. */
async function once(t: Test, name: string, path: string, run: () => Promise<unknown>): Promise<void> {
  events.reset();
  servers.internal.hits.length = 0;
  await run();
  t.same(servers.internal.hits, [path], `${name}: the call ran`);
  const attacks = events.attacks();
  t.equal(attacks.length, 1, `${name}: one finding`);
  t.equal(attacks[0]?.attributes['rampart.action'], 'monitored');
}

t.test('every sink family: the call runs, one finding', async (t) => {
  const literal = (p: string) => `${servers.internal.origin}${p}`;
  const named = (p: string) => `http://localhost:${servers.internal.port}${p}`;
  await once(t, 'http literal', '/a', () => withInput(asQuery(literal('/a')), () => collect(http.get(literal('/a')))));
  await once(t, 'http lookup', '/b', () =>
    withInput(asQuery('http://internal.test/b'), () => collect(http.get(`http://internal.test:${servers.internal.port}/b`, { lookup }))),
  );
  await once(t, 'fetch literal', '/c', () => withInput(asQuery(literal('/c')), () => fetch(literal('/c')).then((r) => r.text())));
  await once(t, 'fetch name', '/d', () => withInput(asQuery(named('/d')), () => fetch(named('/d')).then((r) => r.text())));
  await once(t, 'fetch redirect', '/secret', () => {
    servers.allowed.bounceTo = literal('/secret');
    return withInput(asQuery(`${servers.allowed.origin}/bounce`), () => fetch(`${servers.allowed.origin}/bounce`).then((r) => r.text()));
  });
  await once(t, 'undici.request', '/e', () => withInput(asQuery(named('/e')), () => undici.request(named('/e')).then((r) => r.body.text())));
  await once(t, 'fetch on a reused connection', '/f', () => withInput(asQuery(named('/f')), () => fetch(named('/f')).then((r) => r.text())));
});

t.test('net.connect: connects, one finding', async (t) => {
  let connected = 0;
  const server = net.createServer((s) => {
    connected++;
    s.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  events.reset();
  const port = (server.address() as AddressInfo).port;
  await withInput({ source: 'body', name: 'host', value: 'localhost' }, () => new Promise((resolve) => net.connect(port, 'localhost').on('close', resolve).resume()));
  t.equal(connected, 1);
  t.equal(events.attacks().length, 1);
});
