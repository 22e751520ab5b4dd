import t from 'tap';
import { parseHostAllowlist } from '../../../src/detect/ssrf';

t.test('hostnames and wildcards', async (t) => {
  const list = parseHostAllowlist(['api.example.com', '*.internal.example.com', 'LocalHost.']);
  t.same(list.invalid, []);
  t.equal(list.allows('api.example.com'), true);
  t.equal(list.allows('API.Example.COM.'), true, 'case and trailing dot');
  t.equal(list.allows('www.example.com'), false);
  t.equal(list.allows('evilapi.example.com'), false);
  t.equal(list.allows('api.example.com.evil.net'), false);
  t.equal(list.allows('svc.internal.example.com'), true);
  t.equal(list.allows('a.b.internal.example.com'), true, 'any depth');
  t.equal(list.allows('internal.example.com'), false, 'the bare domain is not a subdomain');
  t.equal(list.allows('xinternal.example.com'), false, 'label boundary');
  t.equal(list.allows('localhost'), true);
  t.equal(list.allows('%6cocalhost'), true, 'percent-encoded like a URL host');
  t.equal(list.allows(''), false);
});

t.test('address ranges', async (t) => {
  const list = parseHostAllowlist(['10.0.0.0/8', 'fd00::/8', '192.168.1.10', '[::1]']);
  t.same(list.invalid, []);
  t.equal(list.allows('db.corp', '10.1.2.3'), true, 'connected address in range');
  t.equal(list.allows('db.corp', '11.1.2.3'), false);
  t.equal(list.allows('10.20.30.40'), true, 'IP literal hostname in range');
  t.equal(list.allows('0x0a.1'), true, 'odd notation hostname');
  t.equal(list.allows('svc', 'fd12::1'), true);
  t.equal(list.allows('svc', 'fe80::1'), false);
  t.equal(list.allows('x', '192.168.1.10'), true);
  t.equal(list.allows('x', '192.168.1.11'), false);
  t.equal(list.allows('[::1]'), true);
  t.equal(list.allows('x', '::ffff:10.0.0.1'), true, 'IPv4-mapped connected address');
  t.equal(list.allows('x'), false, 'no address, no name match');
});

t.test('invalid entries are reported, not thrown', async (t) => {
  const list = parseHostAllowlist(['*', '*.', 'a.*.com', '10.0.0.0/40', 'example.com:8080', '', 'bad host', 'ok.example']);
  t.same(list.invalid, ['*', '*.', 'a.*.com', '10.0.0.0/40', 'example.com:8080', '', 'bad host']);
  t.equal(list.allows('ok.example'), true);
  t.equal(list.allows('anything.example'), false);
});
