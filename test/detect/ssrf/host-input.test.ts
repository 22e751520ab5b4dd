import t from 'tap';
import fc from 'fast-check';
import { canonicalHost, findHostControllingInput, urlHost } from '../../../src/detect/ssrf';
import type { UserInput } from '../../../src/detect/types';

const q = (value: string, path = 'url'): UserInput => ({ source: 'query', path, value });
const controls = (hostname: string, value: string) => findHostControllingInput({ hostname }, [q(value)]) !== undefined;

t.test('the input holds the host where a URL parser reads it', async (t) => {
  t.equal(controls('evil.com', 'http://evil.com/x'), true);
  t.equal(controls('evil.com', 'https://EVIL.COM'), true, 'case-insensitive');
  t.equal(controls('evil.com', 'evil.com'), true, 'bare host');
  t.equal(controls('evil.com', 'evil.com:8080/path'), true);
  t.equal(controls('evil.com', 'evil.com.'), true, 'trailing dot');
  t.equal(controls('evil.com.', 'evil.com'), true, 'trailing dot on the destination');
  t.equal(controls('EVIL.com', 'evil.com'), true);
  t.equal(controls('127.0.0.1', 'http://127.0.0.1:6379/'), true);
  t.equal(controls('::1', 'http://[::1]:8080/'), true, 'IPv6 in brackets');
  t.equal(controls('[::1]', 'http://[::1]/'), true, 'bracketed destination');
  t.equal(controls('localhost', 'localhost'), true);
});

t.test('parser-confusion forms', async (t) => {
  t.equal(controls('evil', 'http://allowed.com@evil'), true, 'credentials before the host');
  t.equal(controls('evil', 'http://evil\\@allowed'), true, 'WHATWG: backslash ends the host');
  t.equal(controls('allowed', 'http://evil\\@allowed'), true, 'a legacy parser would pick this one');
  t.equal(controls('evil', 'http://evil#@allowed'), true);
  t.equal(controls('evil', 'http://evil?@allowed'), true);
  t.equal(controls('allowed.com.evil.com', 'http://allowed.com.evil.com'), true);
  t.equal(controls('evil.com', 'http:evil.com'), true, 'special scheme without slashes');
  t.equal(controls('evil.com', 'http:\\\\evil.com'), true);
  t.equal(controls('localhost', 'http://loc\talhost/'), true, 'tabs are dropped by URL parsers');
  t.equal(controls('evil.com', 'http://allowed.com.evil.com'), false, 'a longer name is another host');
});

t.test('odd notations name the same host', async (t) => {
  t.equal(controls('127.0.0.1', '2130706433'), true);
  t.equal(controls('127.0.0.1', '0x7f000001'), true);
  t.equal(controls('127.0.0.1', '0177.0.0.1'), true);
  t.equal(controls('127.0.0.1', '127.1'), true);
  t.equal(controls('127.0.0.1', 'http://0x7f.1/admin'), true);
  t.equal(controls('127.0.0.1', 'http://127.0.0.1./'), true);
  t.equal(controls('127.0.0.1', 'http://%31%32%37.0.0.1/'), true);
  t.equal(controls('127.0.0.1', 'http://１２７.０.０.１/'), true, 'full-width digits');
  t.equal(controls('169.254.169.254', '0xa9fea9fe'), true);
  t.equal(controls('169.254.169.254', 'http://169.254.43518/latest/meta-data/'), true);
  t.equal(controls('localhost', 'http://%6c%6fcalhost/'), true);
  t.equal(controls('localhost', 'http://ＬＯＣＡＬＨＯＳＴ/'), true);
  t.equal(controls('localhost', 'http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/'), true, 'circled letters');
  t.equal(controls('localhost', 'http://loc\u00adalhost/'), true, 'soft hyphen is ignored');
  t.equal(controls('::1', '[0:0:0:0:0:0:0:1]'), true);
  t.equal(controls('::1', '::1'), true, 'bare IPv6 as a host option');
  t.equal(controls('::ffff:7f00:1', 'http://[::ffff:127.0.0.1]/'), true);
  t.equal(controls('fe80::1', 'fe80::1%eth0'), true);
  t.equal(controls('127.0.0.1', '2130706434'), false, 'a different address');
  t.equal(controls('127.0.0.1', '0x7f.2'), false);
});

t.test('whole labels of the host', async (t) => {
  t.equal(controls('tenant.example.com', 'tenant'), true, 'subdomain chosen by the input');
  t.equal(controls('api.evil.com', 'evil.com'), true, 'domain chosen by the input');
  t.equal(controls('a.b.c.example.com', 'b.c'), true);
  t.equal(controls('api.example.com', 'a'), false, 'a piece of a label');
  t.equal(controls('api.example.com', 'pi'), false);
  t.equal(controls('api.example.com', 'api.ex'), false);
  t.equal(controls('api.example.com', 'example.co'), false);
  t.equal(controls('api.example.com', '.example.com'), false);
  t.equal(controls('api.example.com', 'www.api.example.com'), false, 'a longer name');
  t.equal(controls('10.0.0.1', '1'), false, 'octets are not labels');
  t.equal(controls('10.0.0.1', '0.0.1'), false);
  t.equal(controls('10.0.0.1', '10.0'), false);
});

t.test('inputs that do not control the host', async (t) => {
  t.equal(controls('api.example.com', 'hello world'), false);
  t.equal(controls('localhost', 'the service runs on localhost now'), false, 'prose mentioning the name');
  t.equal(controls('localhost', 'xlocalhost'), false);
  t.equal(controls('localhost', 'localhost.evil.com'), false);
  t.equal(controls('localhost', 'localhostx/'), false);
  t.equal(controls('example.com', 'https://cdn.example.com/x'), false);
  t.equal(controls('example.com', 'https://other.org/?next=example.community'), false);
  t.equal(controls('api.example.com', ''), false);
  t.equal(controls('api.example.com', '12'), false);
  t.equal(findHostControllingInput({ hostname: '' }, [q('x')]), undefined, 'no host');
  t.equal(findHostControllingInput({ hostname: 'a.com' }, []), undefined, 'no inputs');
});

t.test('href is used when hostname is empty; first controlling input is returned', async (t) => {
  const inputs = [q('hello', 'a'), q('http://evil.com', 'b'), q('evil.com', 'c')];
  t.equal(findHostControllingInput({ hostname: '', href: 'http://evil.com/x' }, inputs), inputs[1]);
  t.equal(findHostControllingInput({ hostname: 'evil.com', href: 'http://ignored/' }, inputs), inputs[1]);
  t.equal(findHostControllingInput({ hostname: '', href: 'not a url' }, inputs), undefined);
});

// ---- oracle: new URL() for the host a URL string names --------------------------

const urlString = fc
  .tuple(
    fc.constantFrom('http:', 'HTTPS:', 'ws:', 'ftp:', 'gopher:', 'foo:'),
    fc.constantFrom('//', '/', '\\\\', '', '///', '/\\', '\\/'),
    fc.constantFrom('', 'user@', 'a:b@', 'x@y@', 'allowed.com@', 'a%40b@', 'sp ace@'),
    fc.constantFrom(
      'example.com',
      'EVIL.com',
      'localhost',
      'localhost.',
      '127.1',
      '0x7f.1',
      '2130706433',
      '[::1]',
      '[0:0::FFFF:7f00:1]',
      '%6c%6fcalhost',
      'ＬＯＣＡＬＨＯＳＴ',
      'loc\talhost',
      'a.b.c',
      '169.254.43518',
    ),
    fc.constantFrom('', ':80', ':', ':8080'),
    fc.constantFrom('', '/', '/p?q', '#@allowed', '\\@allowed', '?@x', '/a@b'),
  )
  .map((parts) => parts.join(''));

t.test('urlHost agrees with new URL() on generated URLs', async (t) => {
  let parsed = 0;
  let agree = 0;
  const mismatches: string[] = [];
  fc.assert(
    fc.property(urlString, (s) => {
      let expected: string | undefined;
      try {
        expected = new URL(s).hostname;
      } catch {
        return true; // nothing to compare: the app's client would refuse it too
      }
      if (expected === '') return true; // non-special URL without a host
      parsed++;
      const ours = urlHost(s);
      const same = ours !== undefined && canonicalHost(ours) === canonicalHost(expected);
      if (same) agree++;
      else mismatches.push(`${JSON.stringify(s)}: ${ours} vs ${expected}`);
      return true;
    }),
    { seed: 99, numRuns: 500 },
  );
  t.comment(`urlHost vs new URL(): ${agree}/${parsed} URLs that new URL() accepts`);
  t.same(mismatches, [], 'same host for every URL new URL() accepts');
  t.ok(parsed > 200, `${parsed} generated URLs were valid`);
});

t.test('an input that is the destination URL always controls its host', async (t) => {
  let n = 0;
  fc.assert(
    fc.property(urlString, (s) => {
      let hostname: string;
      try {
        hostname = new URL(s).hostname;
      } catch {
        return true;
      }
      if (hostname === '') return true;
      n++;
      return findHostControllingInput({ hostname, href: s }, [q(s)]) !== undefined;
    }),
    { seed: 100, numRuns: 500 },
  );
  t.ok(n > 200, `checked ${n} generated URLs`);
});
