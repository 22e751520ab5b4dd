import t from 'tap';
import { detectPathTraversal, PATH_RULES } from '../../../src/detect/path';
import type { UserInput } from '../../../src/detect/types';

const q = (value: string, path = 'file'): UserInput => ({ source: 'query', path, value });
const rule = (p: string, value: string | UserInput[], opts?: { allowedRoots?: string[] }) =>
  detectPathTraversal(p, typeof value === 'string' ? [q(value)] : value, opts)?.rule;

t.test('concatenation: base + input', async (t) => {
  t.equal(rule('/srv/uploads/../../etc/passwd', '../../etc/passwd'), PATH_RULES.traversal);
  t.equal(rule('/srv/uploads/../secret', '../secret'), PATH_RULES.traversal);
  t.equal(rule('/srv/uploads/..', '..'), PATH_RULES.traversal);
  t.equal(rule('/srv/uploads/a/../../x', 'a/../../x'), PATH_RULES.traversal);
  // base without trailing slash, input brings the slash
  t.equal(rule('/srv/uploads/../etc/passwd', '/../etc/passwd'), PATH_RULES.traversal);
  // app appends an extension
  t.equal(rule('/srv/uploads/../../etc/passwd.json', '../../etc/passwd'), PATH_RULES.traversal);
  // relative base (cwd-relative)
  t.equal(rule('data/../../x', '../../x'), PATH_RULES.traversal);
  t.equal(rule('../x', '../x'), PATH_RULES.traversal);
});

t.test('join / resolve: the app normalized the input away', async (t) => {
  t.equal(rule('/etc/passwd', '../../etc/passwd'), PATH_RULES.traversal);
  t.equal(rule('/etc/passwd', '../../../../../../../../etc/passwd'), PATH_RULES.traversal);
  t.equal(rule('/srv/secret/key.pem', '../secret/key.pem'), PATH_RULES.traversal);
  t.equal(rule('/srv', '..'), PATH_RULES.traversal, 'a pure climb leaves no trace but is flagged');
  t.equal(rule('/srv', '../..'), PATH_RULES.traversal);
  t.equal(rule('/srv/x', 'a/../../x'), PATH_RULES.traversal);
  // join(base, '/../../etc/passwd') climbs too; resolve() would make it the absolute path
  t.equal(rule('/etc/passwd', '/../../etc/passwd'), PATH_RULES.absolute);
  t.equal(rule('/etc/shadow', '/../../etc/shadow/'), PATH_RULES.absolute);
  t.equal(rule('/srv/etc/passwd', '/../../etc/passwd'), PATH_RULES.traversal, 'tail matches, start does not');
  t.equal(rule('/etc/passwd.json', '../../etc/passwd'), PATH_RULES.traversal, 'join + extension');
});

t.test('encoded forms that reach the path decoded', async (t) => {
  const p = '/srv/uploads/../../etc/passwd';
  t.equal(rule(p, '..%2f..%2fetc%2fpasswd'), PATH_RULES.traversal);
  t.equal(rule(p, '%2e%2e/%2e%2e/etc/passwd'), PATH_RULES.traversal);
  t.equal(rule(p, '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd'), PATH_RULES.traversal);
  t.equal(rule(p, '%252e%252e%252f%252e%252e%252fetc%252fpasswd'), PATH_RULES.traversal, 'double');
  t.equal(rule(p, '%25252e%25252e/%25252e%25252e/etc/passwd'), PATH_RULES.traversal, 'triple');
  t.equal(rule(p, '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd'), PATH_RULES.traversal, 'overlong');
  t.equal(rule(p, '%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd'), PATH_RULES.traversal);
  t.equal(rule(p, '%e0%80%ae%e0%80%ae/%e0%80%ae%e0%80%ae/etc/passwd'), PATH_RULES.traversal, '3-byte overlong');
  t.equal(rule(p, '%u002e%u002e/%u002e%u002e/etc/passwd'), PATH_RULES.traversal, 'IIS %u');
  t.equal(rule(p, '..\\..\\etc\\passwd'), PATH_RULES.traversal, 'backslashes turned into slashes');
  t.equal(rule(p, '..%5c..%5cetc%5cpasswd'), PATH_RULES.traversal);
  t.equal(rule('/etc/passwd', '..%2f..%2fetc%2fpasswd'), PATH_RULES.traversal, 'decoded and joined');
  // the encoded text reaching the path literally is just a strange file name
  t.equal(rule('/srv/uploads/%2e%2e%2fetc', '%2e%2e%2fetc'), undefined);
  t.equal(rule('/srv/uploads/..\\..\\etc\\passwd', '..\\..\\etc\\passwd'), undefined, 'POSIX: one name');
});

t.test('absolute paths chosen by the input', async (t) => {
  t.equal(rule('/etc/passwd', '/etc/passwd'), PATH_RULES.absolute);
  t.equal(rule('/etc/passwd', 'file:///etc/passwd'), PATH_RULES.absolute);
  t.equal(rule('/etc/passwd', 'file://localhost/etc/passwd'), PATH_RULES.absolute);
  t.equal(rule('/etc/passwd', 'file:/etc/passwd'), PATH_RULES.absolute);
  t.equal(rule('/etc/passwd', 'file:///etc/%70asswd'), PATH_RULES.absolute);
  t.equal(rule('//host/share/x', '//host/share/x'), PATH_RULES.absolute);
  t.equal(rule('/etc/passwd', '%2fetc%2fpasswd'), PATH_RULES.absolute);
  t.equal(rule('/etc/passwd.json', '/etc/passwd'), PATH_RULES.absolute, 'suffix glued on');
  t.equal(rule('/etc/ssh/sshd_config', '/etc/ssh'), PATH_RULES.absolute, 'directory prefix');
  t.equal(rule('/etc/passwd', '/srv/../etc/passwd'), PATH_RULES.absolute, 'path.resolve normalized it');
  t.equal(rule('/etc/passwd', '/etc//passwd'), PATH_RULES.absolute);
  t.equal(rule('/', '/'), PATH_RULES.absolute, 'whole path');
  t.equal(rule('/etc', '/etc'), PATH_RULES.absolute, 'single segment, whole path');
  t.equal(rule('/etc/', '/etc'), PATH_RULES.absolute);
  // path.join(base, '/etc/passwd') stays under base
  t.equal(rule('/srv/uploads/etc/passwd', '/etc/passwd'), undefined);
  // single-segment route-like values coinciding with a top-level dir
  t.equal(rule('/home/node/app/views/index.html', '/home'), undefined);
  t.equal(rule('/app/views/index.html', '/'), undefined);
  t.equal(rule('/etc/passwd', '/etc/pass'), PATH_RULES.absolute, 'two segments glued');
});

t.test('allowedRoots', async (t) => {
  const opts = { allowedRoots: ['/srv/public', '/var/data/'] };
  t.equal(rule('/srv/public/a/b.txt', '/srv/public/a/b.txt', opts), undefined);
  t.equal(rule('/var/data/x', '/var/data/x', opts), undefined);
  t.equal(rule('/srv/public', '/srv/public', opts), undefined);
  t.equal(rule('/srv/publicity/x', '/srv/publicity/x', opts), PATH_RULES.absolute, 'sibling with same prefix');
  t.equal(rule('/etc/passwd', '/srv/public/../../etc/passwd', opts), PATH_RULES.absolute);
  t.equal(rule('/srv/public/../../etc/passwd', '/srv/public/../../etc/passwd', opts), PATH_RULES.absolute);
  t.equal(rule('/srv/public/b', '/srv/public/a/../b', opts), undefined, 'dotdot that stays in the root');
  t.equal(rule('/etc/passwd', '/etc/passwd', { allowedRoots: ['relative/dir'] }), PATH_RULES.absolute);
  t.equal(rule('/etc/passwd', '/etc/passwd', { allowedRoots: ['/'] }), undefined);
});

t.test('NUL bytes', async (t) => {
  t.equal(rule('/srv/uploads/a.txt\0.png', 'a.txt\0'), PATH_RULES.nulByte);
  t.equal(rule('/srv/uploads/a.txt\0.png', 'a.txt%00'), PATH_RULES.nulByte, 'percent-encoded');
  t.equal(rule('/srv/uploads/a.txt\0.png', 'a.txt%c0%80'), PATH_RULES.nulByte, 'overlong NUL');
  t.equal(rule('/etc/passwd\0.png', '../../etc/passwd\0'), PATH_RULES.nulByte, 'survives normalization');
  t.equal(rule('/srv/a\0b', 'x\0y'), undefined, 'input NUL not in the path');
  t.equal(rule('/srv/a\0b', 'a'), undefined, "the app's own NUL");
  t.equal(rule('/srv/a.txt', 'a.txt\0'), undefined, 'path has no NUL');
});

t.test('benign values are never flagged', async (t) => {
  const cases: Array<[string, string]> = [
    ['/srv/uploads/reports/2024/q1.pdf', 'reports/2024/q1.pdf'],
    ['/srv/uploads/..hidden', '..hidden'],
    ['/srv/uploads/a..b', 'a..b'],
    ['/srv/uploads/file..txt', 'file..txt'],
    ['/srv/uploads/...', '...'],
    ['/srv/www/.well-known/acme', '.well-known/acme'],
    ['/srv/uploads/b', 'a/../b'],
    ['/srv/uploads/a/../b', 'a/../b'],
    ['/srv/uploads/x/../../uploads/y', 'x/../../uploads/y'],
    ['/srv/uploads/photo.jpg', 'photo.jpg'],
    ['/srv/uploads/photo.jpg', 'photo'],
    ['/srv/uploads/./a', './a'],
    ['/srv/uploads/a', './a'],
    ['/app/views/index.html', 'wait... what'],
    ['/app/views/index.html', 'reports/2024/q1.pdf'],
    ['/app/views/index.html', '../../etc/passwd'],
    ['/app/views/index.html', '/etc/passwd'],
    ['/app/views/index.html', '50% off'],
    ['/app/views/index.html', 'C:\\Users\\me'],
    ['/app/views/index.html', 'https://example.com/a/../b'],
    ['/srv/uploads/a', ''],
  ];
  for (const [p, v] of cases) t.equal(rule(p, v), undefined, `${JSON.stringify(v)} -> ${p}`);
  t.equal(detectPathTraversal('', [q('../x')]), undefined, 'empty path');
  t.equal(detectPathTraversal('/etc/passwd', []), undefined, 'no inputs');
});

t.test('finding shape and input order', async (t) => {
  const inputs = [q('hello', 'a'), q('reports/q1.pdf', 'b'), q('../../etc/passwd', 'c')];
  const d = detectPathTraversal('/srv/uploads/../../etc/passwd', inputs);
  t.ok(d);
  t.equal(d!.kind, 'path_traversal');
  t.equal(d!.input, inputs[2]);
  t.match(d!.reason, /leave the directory \/srv\/uploads\//);
  const join = detectPathTraversal('/etc/passwd', inputs);
  t.match(join!.reason, /climbs above/);
  const pure = detectPathTraversal('/srv', [q('..')]);
  t.match(pure!.reason, /only '\.\.' segments/);
});
