import t from 'tap';
import { matchesCidr, parseCidr } from '../../../src/detect/ssrf';

t.test('IPv4 ranges', async (t) => {
  t.equal(matchesCidr('10.1.2.3', '10.0.0.0/8'), true);
  t.equal(matchesCidr('11.0.0.0', '10.0.0.0/8'), false);
  t.equal(matchesCidr('9.255.255.255', '10.0.0.0/8'), false);
  t.equal(matchesCidr('172.31.0.1', '172.16.0.0/12'), true);
  t.equal(matchesCidr('172.32.0.1', '172.16.0.0/12'), false);
  t.equal(matchesCidr('192.168.1.7', '192.168.1.0/24'), true);
  t.equal(matchesCidr('192.168.2.7', '192.168.1.0/24'), false);
  t.equal(matchesCidr('1.2.3.4', '0.0.0.0/0'), true, '/0 matches every IPv4');
  t.equal(matchesCidr('1.2.3.4', '1.2.3.4'), true, 'single address');
  t.equal(matchesCidr('1.2.3.5', '1.2.3.4'), false);
  t.equal(matchesCidr('1.2.3.4', '1.2.3.4/32'), true);
  t.equal(matchesCidr('1.2.3.5', '1.2.3.4/31'), true);
  t.equal(matchesCidr('1.2.3.6', '1.2.3.4/31'), false);
  t.equal(matchesCidr('10.9.9.9', '10.1.2.3/8'), true, 'host bits in the range are ignored');
  t.equal(matchesCidr('255.255.255.255', '255.0.0.0/8'), true);
  t.equal(matchesCidr('2130706433', '127.0.0.0/8'), true, 'any notation for the address');
  t.equal(matchesCidr('::ffff:10.0.0.1', '10.0.0.0/8'), true, 'IPv4-mapped address in an IPv4 range');
  t.equal(matchesCidr('[::ffff:a00:1]', '10.0.0.0/8'), true);
  t.equal(matchesCidr('::1', '0.0.0.0/0'), false, 'IPv6 is not in an IPv4 range');
});

t.test('IPv6 ranges', async (t) => {
  t.equal(matchesCidr('fd00::1', 'fd00::/8'), true);
  t.equal(matchesCidr('fdff:ffff::1', 'fd00::/8'), true);
  t.equal(matchesCidr('fe00::1', 'fd00::/8'), false);
  t.equal(matchesCidr('fc00::1', 'fc00::/7'), true);
  t.equal(matchesCidr('fd00::1', 'fc00::/7'), true);
  t.equal(matchesCidr('fe00::1', 'fc00::/7'), false);
  t.equal(matchesCidr('2001:db8:1::5', '2001:db8::/32'), true);
  t.equal(matchesCidr('2001:db9::5', '2001:db8::/32'), false);
  t.equal(matchesCidr('2001:db8:abcd:12::1', '2001:db8:abcd:10::/60'), true);
  t.equal(matchesCidr('2001:db8:abcd:20::1', '2001:db8:abcd:10::/60'), false);
  t.equal(matchesCidr('::1', '::1'), true);
  t.equal(matchesCidr('::1', '::1/128'), true);
  t.equal(matchesCidr('::2', '::1/128'), false);
  t.equal(matchesCidr('[::1]', '[::1]/128'), true, 'brackets on either side');
  t.equal(matchesCidr('fe80::1%eth0', 'fe80::/10'), true, 'zone id ignored');
  t.equal(matchesCidr('1::', '::/0'), true);
  t.equal(matchesCidr('10.0.0.1', '::/0'), false, 'IPv4 is not in an IPv6 range');
  t.equal(matchesCidr('::ffff:7f00:1', '::ffff:0:0/96'), true);
});

t.test('bad input is no match, never an exception', async (t) => {
  for (const [a, c] of [
    ['10.0.0.1', '10.0.0.0/33'],
    ['10.0.0.1', '10.0.0.0/'],
    ['10.0.0.1', '10.0.0.0/8/8'],
    ['10.0.0.1', '10.0.0.0/x'],
    ['10.0.0.1', '10.0.0.0/-1'],
    ['10.0.0.1', '10.0.0.0/1000'],
    ['::1', '::/129'],
    ['10.0.0.1', 'not-an-ip/8'],
    ['not-an-ip', '10.0.0.0/8'],
    ['', ''],
  ]) {
    t.equal(matchesCidr(a!, c!), false, `${a} in ${c}`);
  }
  t.same(parseCidr('10.0.0.0/8'), { family: 4, network: 0x0a000000, prefix: 8 });
  t.equal(parseCidr('fd00::/8')?.prefix, 8);
  t.equal(parseCidr('::1')?.prefix, 128);
  t.equal(parseCidr('1.2.3.4')?.prefix, 32);
  t.equal(parseCidr('bad'), undefined);
});
