import t from 'tap';
import {
  classifyAddress,
  isInternalClass,
  isMetadataHostname,
  parseIpLiteral,
  type AddressClass,
} from '../../../src/detect/ssrf';

const cases: Array<[string, AddressClass]> = [
  // IPv4
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.15.255.255', 'public'],
  ['172.32.0.0', 'public'],
  ['192.168.1.1', 'private'],
  ['192.169.0.1', 'public'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.0.1', 'link-local'],
  ['169.254.169.254', 'metadata'],
  ['169.254.170.2', 'metadata'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['100.128.0.0', 'public'],
  ['100.100.100.200', 'metadata'],
  ['192.0.0.8', 'reserved'],
  ['192.0.0.192', 'metadata'],
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.20.0.0', 'public'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['93.184.216.34', 'public'],
  // IPv6
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['fe80::1', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456::1', 'unique-local'],
  ['fd00:ec2::254', 'metadata'],
  ['ff02::1', 'multicast'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::ffff:8.8.8.8', 'public'],
  ['::ffff:0:127.0.0.1', 'loopback'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['64:ff9b::8.8.8.8', 'public'],
  ['64:ff9b:1::10.0.0.1', 'private'],
  ['64:ff9b:1::8.8.8.8', 'private'],
  ['2002:7f00:1::', 'loopback'],
  ['2002:c0a8:101::1', 'private'],
  ['2002:808:808::1', 'public'],
  ['::127.0.0.1', 'loopback'],
  ['::8.8.8.8', 'reserved'],
  ['100::1', 'reserved'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['2001:2::1', 'benchmarking'],
  ['2001:0:4136:e378::1', 'reserved'],
  ['fec0::1', 'private'],
  ['2606:4700:4700::1111', 'public'],
  ['2a00:1450:4001::200e', 'public'],
  ['4000::1', 'reserved'],
  ['[::1]', 'loopback'],
  ['fe80::1%eth0', 'link-local'],
  // other notations are accepted too
  ['2130706433', 'loopback'],
  ['0x7f.1', 'loopback'],
  // not addresses
  ['localhost', 'invalid'],
  ['', 'invalid'],
  ['1.2.3.4.5', 'invalid'],
];

t.test('classifyAddress', async (t) => {
  for (const [address, cls] of cases) t.equal(classifyAddress(address), cls, address);
});

t.test('canonical output of parseIpLiteral classifies like its input', async (t) => {
  for (const [address, cls] of cases) {
    const lit = parseIpLiteral(address);
    if (lit !== undefined) t.equal(classifyAddress(lit.address), cls, `${address} -> ${lit.address}`);
  }
});

t.test('isInternalClass: everything but public', async (t) => {
  const all: AddressClass[] = [
    'loopback',
    'private',
    'link-local',
    'unique-local',
    'cgnat',
    'unspecified',
    'metadata',
    'multicast',
    'broadcast',
    'reserved',
    'documentation',
    'benchmarking',
    'invalid',
  ];
  for (const c of all) t.equal(isInternalClass(c), true, c);
  t.equal(isInternalClass('public'), false);
});

t.test('isMetadataHostname', async (t) => {
  for (const h of [
    'metadata.google.internal',
    'METADATA.google.internal.',
    'metadata.goog',
    'metadata',
    'instance-data',
    'instance-data.ec2.internal',
    'metadata.tencentyun.com',
    '169.254.169.254',
    '[fd00:ec2::254]',
    'fd00:ec2::254',
    '100.100.100.200',
    '0xa9fea9fe',
    '2852039166',
    '169.254.43518',
    '0251.0376.0251.0376',
    '[::ffff:169.254.169.254]',
    '[::ffff:a9fe:a9fe]',
    '[64:ff9b::a9fe:a9fe]',
    '１６９．２５４．１６９．２５４',
    '169.254.169.254.',
    'metadata%2egoogle%2einternal',
  ]) {
    t.equal(isMetadataHostname(h), true, h);
  }
  for (const h of ['example.com', 'metadata.example.com', 'google.internal', '169.254.169.253', '10.0.0.1', '', '[::1]', 'not a host']) {
    t.equal(isMetadataHostname(h), false, h);
  }
});
