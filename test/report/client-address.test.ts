// client.address behind proxies: Express's `trust proxy` rule over X-Forwarded-For.
import t from 'tap';
import { DEFAULT_CONFIG } from '../../src/config/defaults';
import { findingAttributes } from '../../src/report/attributes';
import { clientAddress, compileTrustProxy } from '../../src/report/client-address';
import { findingFrom } from '../../src/report/finding';

const XFF = '198.51.100.9, 203.0.113.7, 10.0.0.2';

t.test('off (default): the socket peer, whatever the client wrote', async (t) => {
  t.equal(clientAddress('10.0.0.3', XFF, compileTrustProxy(false)), '10.0.0.3');
  t.equal(clientAddress('10.0.0.3', XFF, compileTrustProxy(0)), '10.0.0.3');
  t.equal(clientAddress('10.0.0.3', undefined, compileTrustProxy(true)), '10.0.0.3', 'no header: the peer');
});

t.test('true: the leftmost address', async (t) => {
  t.equal(clientAddress('10.0.0.3', XFF, compileTrustProxy(true)), '198.51.100.9');
  t.equal(clientAddress('10.0.0.3', ['198.51.100.9', '10.0.0.2'], compileTrustProxy(true)), '198.51.100.9', 'repeated headers joined');
});

t.test('a hop count: that many proxies from the socket are trusted', async (t) => {
  t.equal(clientAddress('10.0.0.3', XFF, compileTrustProxy(1)), '10.0.0.2');
  t.equal(clientAddress('10.0.0.3', XFF, compileTrustProxy(2)), '203.0.113.7');
  t.equal(clientAddress('10.0.0.3', XFF, compileTrustProxy(9)), '198.51.100.9');
});

t.test('addresses, ranges and names: the first untrusted hop from the right', async (t) => {
  const trust = compileTrustProxy(['uniquelocal']);
  t.equal(clientAddress('10.0.0.3', XFF, trust), '203.0.113.7', 'a forged leftmost entry is not believed');
  t.equal(clientAddress('198.51.100.1', XFF, trust), '198.51.100.1', 'peer not a trusted proxy: header ignored');
  t.equal(clientAddress('::ffff:127.0.0.1', '203.0.113.7', compileTrustProxy('loopback')), '203.0.113.7', 'IPv4-mapped peer');
  t.equal(clientAddress('127.0.0.1', '203.0.113.7', compileTrustProxy('127.0.0.1, ::1')), '203.0.113.7', 'comma-separated string');
});

t.test('a long forged header costs a bounded walk and gives the attacker nothing with a range setting', async (t) => {
  const forged = `${Array.from({ length: 5000 }, (_, i) => `10.0.${i >> 8 & 255}.${i & 255}`).join(',')}, 203.0.113.7`;
  t.equal(clientAddress('10.0.0.3', forged, compileTrustProxy('uniquelocal')), '203.0.113.7');
});

t.test('rendered: client.address from the trusted setting, network.peer.address the socket', async (t) => {
  const finding = findingFrom(
    { kind: 'sql_injection', rule: 'r', reason: 'r', input: { source: 'query', path: 'q', value: 'v' } },
    'blocked',
    'pg.query',
    {},
    { requestId: 'id', peerAddress: '10.0.0.3', forwardedFor: XFF },
    0.1,
    undefined,
  );
  const off = findingAttributes(finding, DEFAULT_CONFIG);
  t.equal(off['client.address'], '10.0.0.3');
  t.equal(off['network.peer.address'], '10.0.0.3');
  const on = findingAttributes(finding, { ...DEFAULT_CONFIG, trustProxy: 'uniquelocal' });
  t.equal(on['client.address'], '203.0.113.7');
  t.equal(on['network.peer.address'], '10.0.0.3');
});
