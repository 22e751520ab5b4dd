// Cloud metadata addresses are refused with no user input at all, before any packet
// leaves: the refusal happens before Node connects (a tripwire fails the test loudly if
// a connection to a non-loopback address is ever attempted).
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { collect, fakeDns, loopbackOnlyTripwire, startServer, type TestServer } from './servers';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);
const tripwire = loopbackOnlyTripwire();
t.teardown(tripwire.dispose);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require('node:http') as typeof import('node:http');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = require('node:net') as typeof import('node:net');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const undici = require('undici') as typeof import('undici');

let local: TestServer;
t.before(async () => {
  local = await startServer('127.0.0.1');
});
t.teardown(() => local.close());

const lookup = fakeDns({ 'metadata.test': '169.254.169.254', 'ecs.test': ['127.0.0.5', '169.254.170.2'] });

function socketError(socket: import('node:net').Socket): Promise<Error | undefined> {
  return new Promise((resolve) => {
    socket.on('error', resolve);
    socket.on('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
  });
}

t.test('every client refuses metadata addresses outside any request', async (t) => {
  const literal = await collect(http.get('http://169.254.169.254/latest/meta-data/iam/security-credentials/'));
  t.type(literal.error, RampartBlockedError, 'http.get, IPv4 literal');
  const v6 = await collect(http.get({ host: 'fd00:ec2::254', path: '/latest/meta-data/' }));
  t.type(v6.error, RampartBlockedError, 'http.get, IPv6 literal');
  const resolved = await collect(http.get('http://metadata.test/computeMetadata/v1/', { lookup }));
  t.type(resolved.error, RampartBlockedError, 'http.get, a name resolving to it');
  const mixed = await collect(http.get('http://ecs.test/v2/credentials', { lookup }));
  t.type(mixed.error, RampartBlockedError, 'one metadata answer among others');
  t.type(await socketError(net.connect(80, '169.254.169.254')), RampartBlockedError, 'net.connect');
  let error: unknown;
  try {
    await undici.request('http://169.254.169.254/latest/meta-data/');
  } catch (e) {
    error = e;
  }
  t.type(error, RampartBlockedError, 'undici.request');
  t.equal((error as RampartBlockedError).requestId, undefined, 'no request to name');
  t.same(tripwire.attempted, [], 'no connection was even attempted');
  const attacks = events.attacks();
  t.equal(attacks.length, 6);
  t.equal(attacks[0]?.attributes['security_rule.name'], 'ssrf.cloud-metadata');
  t.equal(attacks[0]?.attributes['rampart.sink'], 'net.connect');
  t.equal(attacks[0]?.attributes['network.peer.address'], '169.254.169.254');
  t.equal(attacks[0]?.attributes['rampart.action'], 'blocked');
  events.reset();
});

t.test('inside a request, with no input naming it, the request is blocked too', async (t) => {
  const result = await withInput({ source: 'query', name: 'q', value: 'weather' }, () => collect(http.get('http://169.254.169.254/latest/')));
  t.type(result.error, RampartBlockedError);
  t.type((result.error as RampartBlockedError).requestId, 'string');
  t.equal(events.attacks()[0]?.attributes['rampart.request.id'], (result.error as RampartBlockedError).requestId);
  t.same(tripwire.attempted, []);
  events.reset();
});

t.test('the tripwire is live, and ordinary loopback traffic is untouched', async (t) => {
  const ok = await collect(http.get(`${local.origin}/hello`, { agent: false }));
  t.equal(ok.body, 'internal secret');
  t.same(tripwire.attempted, ['127.0.0.1']);
  t.equal(events.attacks().length, 0);
});
