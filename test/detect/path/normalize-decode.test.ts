import t from 'tap';
import { decodedVariants, isWithinDir, lenientPercentDecode, normalizePosixPath } from '../../../src/detect/path';

t.test('normalizePosixPath edge cases', async (t) => {
  const cases: Array<[string, string]> = [
    ['', '.'],
    ['/', '/'],
    ['//', '/'],
    ['///a//b/', '/a/b/'],
    ['.', '.'],
    ['./', './'],
    ['..', '..'],
    ['../', '../'],
    ['a/..', '.'],
    ['a/../', './'],
    ['/..', '/'],
    ['/../a/../../b', '/b'],
    ['a/../../b', '../b'],
    ['../../a/../b/./c/', '../../b/c/'],
    ['a/./b/.', 'a/b'],
    ['...', '...'],
    ['..a/..', '.'],
    ['a\\..\\b', 'a\\..\\b'],
  ];
  for (const [input, expected] of cases) t.equal(normalizePosixPath(input), expected, JSON.stringify(input));
});

t.test('isWithinDir', async (t) => {
  t.equal(isWithinDir('/srv/uploads', '/srv/uploads/a'), true);
  t.equal(isWithinDir('/srv/uploads/', '/srv/uploads'), true, 'the directory itself');
  t.equal(isWithinDir('/srv/uploads', '/srv/uploadsX/a'), false, 'same prefix, other name');
  t.equal(isWithinDir('/srv/uploads', '/srv'), false);
  t.equal(isWithinDir('/', '/etc/passwd'), true);
  t.equal(isWithinDir('/srv', 'srv/x'), false, 'absolute vs relative');
  t.equal(isWithinDir('.', 'a/b'), true);
  t.equal(isWithinDir('.', '.'), true);
  t.equal(isWithinDir('.', '..'), false);
  t.equal(isWithinDir('.', '../a'), false);
  t.equal(isWithinDir('..', '../..'), false, 'climbing further');
  t.equal(isWithinDir('..', '../a'), true);
  t.equal(isWithinDir('..', 'a'), true, 'the working directory is inside its parent');
  t.equal(isWithinDir('../data', '../data/x'), true);
  t.equal(isWithinDir('../data', '../other'), false);
  t.equal(isWithinDir('../data', 'data/x'), false);
  t.equal(isWithinDir('a', '.'), false);
});

t.test('lenientPercentDecode', async (t) => {
  t.equal(lenientPercentDecode('plain'), 'plain');
  t.equal(lenientPercentDecode('%2e%2E%2f'), '../');
  t.equal(lenientPercentDecode('%c0%ae%c0%af'), './', 'overlong 2-byte');
  t.equal(lenientPercentDecode('%e0%80%ae'), '.', 'overlong 3-byte');
  t.equal(lenientPercentDecode('%f0%80%80%ae'), '.', 'overlong 4-byte');
  t.equal(lenientPercentDecode('%c0%80'), '\0', 'overlong NUL');
  t.equal(lenientPercentDecode('%c3%a9'), 'é');
  t.equal(lenientPercentDecode('%u002e%U002F'), './', 'IIS %u');
  t.equal(lenientPercentDecode('%252e'), '%2e', 'one layer at a time');
  t.equal(lenientPercentDecode('100%'), '100%', 'lone percent kept');
  t.equal(lenientPercentDecode('%zz%4'), '%zz%4');
  t.equal(lenientPercentDecode('%c0'), '\ufffd', 'truncated sequence');
  t.equal(lenientPercentDecode('%c0%2e'), '\ufffd.', 'bad continuation');
  t.equal(lenientPercentDecode('%ff'), '\ufffd');
  t.equal(lenientPercentDecode('%f4%90%80%80'), '\ufffd'.repeat(4), 'beyond U+10FFFF: each byte replaced');
  t.equal(lenientPercentDecode('é%41'), 'éA');
});

t.test('decodedVariants', async (t) => {
  t.same(decodedVariants('plain'), []);
  t.same(decodedVariants('%252e%252e'), ['%2e%2e', '..']);
  t.same(decodedVariants('..\\x'), ['../x']);
  t.same(decodedVariants('..%5cx'), ['..\\x', '../x']);
  t.same(decodedVariants('file:///etc/passwd'), ['/etc/passwd']);
  t.same(decodedVariants('FILE://localhost/etc/a%20b?x#y'), ['FILE://localhost/etc/a b?x#y', '/etc/a b']);
  t.same(decodedVariants('file://remote/etc/passwd'), [], 'remote host: not a local path');
  t.same(decodedVariants('file:relative'), []);
});
