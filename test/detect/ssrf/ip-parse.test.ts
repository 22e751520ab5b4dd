import t from 'tap';
import fc from 'fast-check';
import { parseIpLiteral } from '../../../src/detect/ssrf';

const RUNS = 500;
const v4 = (host: string) => {
  const r = parseIpLiteral(host);
  return r?.family === 4 ? r.address : r === undefined ? undefined : `v6:${r.address}`;
};
const v6 = (host: string) => {
  const r = parseIpLiteral(host);
  return r?.family === 6 ? r.address : r === undefined ? undefined : `v4:${r.address}`;
};

t.test('IPv4 notations', async (t) => {
  const loopback: string[] = [
    '127.0.0.1',
    '2130706433',
    '0x7f000001',
    '0X7F000001',
    '0x7F.0x0.0x0.0x1',
    '0177.0.0.1',
    '0177.0000.0000.0001',
    '017700000001',
    '127.1',
    '127.0.1',
    '0x7f.1',
    '0x7f.0.1',
    '127.0x0.1',
    '127.0.0.1.',
    '0x0000007f.1',
    '%31%32%37.0.0.1',
    '１２７．０．０．１',
    '127。0。0。1',
  ];
  for (const h of loopback) t.equal(v4(h), '127.0.0.1', h);
  t.equal(v4('0'), '0.0.0.0');
  t.equal(v4('0x'), '0.0.0.0', 'bare 0x is zero (WHATWG and inet_aton)');
  t.equal(v4('4294967295'), '255.255.255.255');
  t.equal(v4('169.254.43518'), '169.254.169.254');
  t.equal(v4('0xa9fea9fe'), '169.254.169.254');
  t.equal(v4('1.2.65535'), '1.2.255.255');
  t.equal(v4('1.16777215'), '1.255.255.255');
  for (const bad of [
    '',
    '.',
    '1.2.3.4.5',
    '4294967296',
    '0x100000000',
    '256.0.0.1',
    '1.2.3.256',
    '1.2.65536',
    '1.16777216',
    '08',
    '0o17',
    '1..2',
    '.1.2.3',
    '127.0.0.1..',
    '1e3',
    ' 127.0.0.1',
    '127.0.0.1 ',
    'example.com',
    'localhost',
    '0x7g.1',
    '%zz.0.0.1',
    '99999999999999999999999',
  ]) {
    t.equal(parseIpLiteral(bad), undefined, JSON.stringify(bad));
  }
});

t.test('IPv6 notations', async (t) => {
  t.same(parseIpLiteral('::1'), { family: 6, address: '::1' });
  t.equal(v6('[::1]'), '::1');
  t.equal(v6('0:0:0:0:0:0:0:1'), '::1');
  t.equal(v6('0000:0000:0000:0000:0000:0000:0000:0001'), '::1');
  t.equal(v6('::'), '::');
  t.equal(v6('[::]'), '::');
  t.equal(v6('FE80::1%eth0'), 'fe80::1', 'zone id dropped');
  t.equal(v6('[fe80::1%25eth0]'), 'fe80::1', 'URL-encoded zone id');
  t.equal(v6('::ffff:127.0.0.1'), '::ffff:7f00:1', 'IPv4-mapped, WHATWG serialization');
  t.equal(v6('::FFFF:7F00:1'), '::ffff:7f00:1');
  t.equal(v6('[::ffff:169.254.169.254]'), '::ffff:a9fe:a9fe');
  t.equal(v6('64:ff9b::127.0.0.1'), '64:ff9b::7f00:1', 'NAT64');
  t.equal(v6('2002:7f00:1::'), '2002:7f00:1::', '6to4');
  t.equal(v6('::127.0.0.1'), '::7f00:1', 'IPv4-compatible');
  t.equal(v6('1:0:0:2:0:0:0:3'), '1:0:0:2::3', 'longest zero run compressed');
  t.equal(v6('1:0:0:2:0:0:3:4'), '1::2:0:0:3:4', 'first of equal runs');
  t.equal(v6('1:2:3:4:5:6:7:0'), '1:2:3:4:5:6:7:0', 'a single zero is not compressed');
  t.equal(v6('2001:DB8::A'), '2001:db8::a');
  t.equal(v6('fd00:ec2::254'), 'fd00:ec2::254');
  for (const bad of [
    '[::1',
    '::1]',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1::2::3',
    '12345::',
    '::ffff:127.0.0',
    '::ffff:127.0.0.01',
    '::ffff:127.0.0.1.',
    '::ffff:1.2.3.4.5',
    '::ffff:256.0.0.1',
    '1:2:3:4:5:6:7:1.2.3.4',
    ':1',
    '1:',
    'g::1',
    '[]',
    'localhost:8080',
  ]) {
    t.equal(parseIpLiteral(bad), undefined, JSON.stringify(bad));
  }
});

// ---- oracle: new URL() -----------------------------------------------------------

const urlHostname = (host: string): string | undefined => {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
};
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** One IPv4 part rendered in a random radix, with random case and leading zeros. */
const renderPart = (value: number) =>
  fc.tuple(fc.constantFrom(10, 8, 16), fc.nat({ max: 2 }), fc.boolean()).map(([radix, zeros, upper]) => {
    if (radix === 10) return String(value);
    const digits = value.toString(radix);
    if (radix === 8) return '0' + '0'.repeat(zeros) + digits;
    const body = '0'.repeat(zeros) + (upper ? digits.toUpperCase() : digits);
    return (upper ? '0X' : '0x') + body;
  });

const ipv4Notation = fc
  .tuple(
    fc.oneof(
      fc.nat({ max: 0xffffffff }),
      fc.constantFrom(0x7f000001, 0xa9fea9fe, 0, 0xffffffff, 0x0a000001, 0xc0a80001, 0x64646464c8 % 2 ** 32),
    ),
    fc.integer({ min: 1, max: 4 }),
    fc.boolean(),
  )
  .chain(([value, parts, trailingDot]) => {
    const bytes = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
    const lead = bytes.slice(0, parts - 1);
    let rest = 0;
    for (const b of bytes.slice(parts - 1)) rest = rest * 256 + b;
    return fc
      .tuple(...lead.map(renderPart), renderPart(rest))
      .map((ps) => ps.join('.') + (trailingDot ? '.' : ''));
  });

t.test('parseIpLiteral agrees with new URL() on generated IPv4 notations', async (t) => {
  let n = 0;
  let valid = 0;
  fc.assert(
    fc.property(ipv4Notation, (h) => {
      n++;
      if (urlHostname(h) !== undefined) valid++;
      return v4(h) === urlHostname(h);
    }),
    { seed: 1337, numRuns: RUNS },
  );
  // and on arbitrary number-ish text: same IPv4 or both reject (URL keeps domains)
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('0', '1', '7', '8', '9', 'f', 'x', 'X', '.', '2', '5') }), (h) => {
      n++;
      const u = urlHostname(h);
      return v4(h) === (u !== undefined && DOTTED_QUAD.test(u) ? u : undefined);
    }),
    { seed: 1338, numRuns: RUNS },
  );
  t.equal(n, 2 * RUNS, `IPv4: agreed with new URL() on ${n}/${n} generated hosts`);
  t.ok(valid > RUNS * 0.6, `${valid}/${RUNS} generated notations are valid IPv4 for new URL()`);
});

const ipv6Notation = fc
  .tuple(
    fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.nat({ max: 0xffff })), { minLength: 8, maxLength: 8 }),
    fc.nat({ max: 7 }),
    fc.nat({ max: 8 }),
    fc.boolean(),
    fc.boolean(),
    fc.nat({ max: 3 }),
  )
  .map(([pieces, cStart, cLen, upper, v4tail, pad]) => {
    const text = pieces.map((p) => {
      const h = p.toString(16);
      const padded = ('000' + h).slice(-Math.max(h.length, Math.min(4, h.length + pad)));
      return upper ? padded.toUpperCase() : padded;
    });
    if (v4tail) {
      text.splice(6, 2, `${pieces[6]! >> 8}.${pieces[6]! & 255}.${pieces[7]! >> 8}.${pieces[7]! & 255}`);
    }
    const len = Math.min(cLen, text.length - cStart);
    if (len >= 1) {
      const head = text.slice(0, cStart).join(':');
      const tail = text.slice(cStart + len).join(':');
      return `${head}::${tail}`;
    }
    return text.join(':');
  });

t.test('parseIpLiteral agrees with new URL() on generated IPv6 notations', async (t) => {
  let n = 0;
  let valid = 0;
  const bracketed = (h: string) => {
    const u = urlHostname(`[${h}]`);
    return u === undefined ? undefined : u.slice(1, -1);
  };
  fc.assert(
    fc.property(ipv6Notation, (h) => {
      n++;
      if (bracketed(h) !== undefined) valid++;
      return v6(`[${h}]`) === bracketed(h) && v6(h) === bracketed(h);
    }),
    { seed: 2024, numRuns: RUNS },
  );
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('0', '1', 'f', 'F', ':', ':', '.', '2', '5', 'ffff') }), (h) => {
      n++;
      return v6(`[${h}]`) === bracketed(h);
    }),
    { seed: 2025, numRuns: RUNS },
  );
  t.equal(n, 2 * RUNS, `IPv6: agreed with new URL() on ${n}/${n} generated literals`);
  t.ok(valid > RUNS * 0.6, `${valid}/${RUNS} generated notations are valid IPv6 for new URL()`);
});
