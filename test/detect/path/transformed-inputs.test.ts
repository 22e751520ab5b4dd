// Inputs the app transformed before the file call (case-folded, cut to a length, decoded
// or not) and `..` segments assembled from several inputs: what the path detector follows,
// and the benign shapes it must leave alone.
import { join } from 'node:path';
import t from 'tap';
import { detectPathTraversal, PATH_RULES } from '../../../src/detect/path';
import type { UserInput } from '../../../src/detect/types';

const q = (value: string, path = 'file'): UserInput => ({ source: 'query', path, value });
const rule = (p: string, ...values: string[]) => detectPathTraversal(p, values.map((v, i) => q(v, `f${i}`)))?.rule;
const BASE = '/srv/app/files';
const lenient = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

t.test('case-folded inputs', async (t) => {
  t.equal(rule(join(BASE, '../../SECRET.TXT'.toLowerCase()), '../../SECRET.TXT'), PATH_RULES.traversal, 'join(base, name.toLowerCase())');
  t.equal(rule(`${BASE}/${'../../SECRET.TXT'.toLowerCase()}`, '../../SECRET.TXT'), PATH_RULES.traversal, 'concatenated');
  t.equal(rule(join(BASE, '../../secret.txt'.toUpperCase()), '../../secret.txt'), PATH_RULES.traversal, 'toUpperCase');
  t.equal(rule(join(BASE, decodeURIComponent('..%2F..%2FSECRET.TXT').toLowerCase()), '..%2F..%2FSECRET.TXT'), PATH_RULES.traversal, 'decoded then folded');
  t.equal(rule(join(BASE, decodeURIComponent('%252E%252E%252FSECRET.TXT'.toLowerCase()).toLowerCase()), '%252E%252E%252FSECRET.TXT'), undefined, 'decoded once: a name under base');
  t.equal(rule('/ETC/PASSWD'.toLowerCase(), '/ETC/PASSWD'), PATH_RULES.absolute, 'absolute, folded');
  // benign twins: folded names under the base
  t.equal(rule(join(BASE, 'REPORT.TXT'.toLowerCase()), 'REPORT.TXT'), undefined);
  t.equal(rule(join(BASE, 'Sub/../Report.txt'.toLowerCase()), 'Sub/../Report.txt'), undefined, 'dots that stay inside');
  t.equal(rule(`${BASE}/${'Sub/../Report.txt'.toLowerCase()}`, 'Sub/../Report.txt'), undefined);
  t.equal(rule('/srv/app/views/index.html', '../../SECRET.TXT'), undefined, 'folded input not in the path');
});

t.test('traversal assembled from several inputs, none holding ..', async (t) => {
  t.equal(rule(`${BASE}/${'.'}.${'/secret.txt'}`, '.', '/secret.txt'), PATH_RULES.traversal, '`${name}.${ext}`: name=., ext=/secret.txt');
  t.equal(rule(`${BASE}/${'.'}${'./secret.txt'}`, '.', './secret.txt'), PATH_RULES.traversal, '`${dir}${file}`: dir=., file=./secret.txt');
  t.equal(rule(`${BASE}/${'.'}${'./.'}${'./canary.txt'}`, '.', './.', './canary.txt'), PATH_RULES.traversal, 'two levels from three inputs');
  t.equal(rule(`${BASE}/.${'./secret'}`, './secret'), PATH_RULES.traversal, "one input and the app's own dot (`.${name}`)");
  t.equal(rule(`${BASE}/${'%2e'}${'%2e%2fsecret'}`.replace(/%2e|%2f/g, (m) => decodeURIComponent(m)), '%2e', '%2e%2fsecret'), PATH_RULES.traversal, 'decoded pieces');
  const found = detectPathTraversal(`${BASE}/${'.'}.${'/secret.txt'}`, [q('.', 'name'), q('/secret.txt', 'ext')]);
  t.match(found?.reason, /inputs together make a '\.\.' segment/);
  t.equal(found?.input.path, 'name', 'the input that gave the dot is named');
  // benign: ordinary multi-input paths, and dots that stay inside the base
  t.equal(rule(`${BASE}/${'alice'}/${'notes'}.txt`, 'alice', 'notes'), undefined, '`${user}/${file}.txt`');
  t.equal(rule(`${BASE}/${'.'}/${'./notes'}.txt`, '.', './notes'), undefined, 'user=., file=./notes: ././notes.txt');
  t.equal(rule(`${BASE}/${'sub/.'}${'./report.txt'}`, 'sub/.', './report.txt'), undefined, 'sub/../report.txt stays in the base');
  t.equal(rule(`${BASE}/../shared/x`, '.'), undefined, "a '.' input against the app's own '..'");
  t.equal(rule(`${BASE}/../shared/x`, '.', '.'), PATH_RULES.traversal, 'two inputs that are each one dot of it: counted (no way to tell)');
  t.equal(rule(join(BASE, './a'), './a'), undefined);
});

t.test('truncated inputs (name.slice(0, n))', async (t) => {
  const padded = '../../canary.txt' + 'x'.repeat(20) + '.png';
  t.equal(rule(join(BASE, padded.slice(0, 16)), padded), PATH_RULES.traversal, 'join');
  t.equal(rule(`${BASE}/${padded.slice(0, 16)}`, padded), PATH_RULES.traversal, 'concatenated');
  t.equal(rule(join(BASE, '../../canary-xxxxxxxx'.slice(0, 12) + '.txt'), '../../canary-xxxxxxxx'), PATH_RULES.traversal, 'cut, then an extension appended');
  t.equal(rule(join(BASE, 'aa/../../../etc/passwd.png'.slice(0, 22)), 'aa/../../../etc/passwd.png'), PATH_RULES.traversal, 'padding in front');
  t.equal(rule(join(BASE, '../../canary.txt/../../../zzz'.slice(0, 16)), '../../canary.txt/../../../zzz'), PATH_RULES.traversal, 'a tail that would normalize differently');
  t.equal(rule('/etc/passwd.png'.slice(0, 11), '/etc/passwd.png'), PATH_RULES.absolute, 'absolute');
  t.equal(rule(join(BASE, decodeURIComponent('..%2f..%2fcanary.txtXXXX').slice(0, 16)), '..%2f..%2fcanary.txtXXXX'), PATH_RULES.traversal, 'decoded, then cut');
  // benign: cut names that stay inside, too short to tell, or unrelated paths
  t.equal(rule(join(BASE, 'sub/../report.txtXXXX'.slice(0, 17)), 'sub/../report.txtXXXX'), undefined);
  t.equal(rule(join(BASE, 'report.txtXXXX'.slice(0, 10)), 'report.txtXXXX'), undefined);
  t.equal(rule('/srv/app/ab', '../abcdef'), undefined, 'fewer than 3 characters of name');
  t.equal(rule('/srv/app/docs/template.html', '../docs/readme'), undefined, 'a shared directory is not a cut input');
  t.equal(rule('/home/node/app/index.html', '/home/node/x'), undefined, 'an absolute value sharing directories');
  t.equal(rule('/home', '/home-dir'), undefined, 'one segment');
});

t.test('%2e%2e%2f forms: flagged when they reach the path decoded, never as literal names', async (t) => {
  const forms: Array<[string, string]> = [
    ['single', '%2e%2e%2f%2e%2e%2fsecret.txt'],
    ['upper hex', '%2E%2E%2F%2E%2E%2Fsecret.txt'],
    ['dots encoded', '%2e%2e/%2e%2e/secret.txt'],
    ['slash encoded', '..%2f..%2fsecret.txt'],
    ['slash upper', '..%2F..%2Fsecret.txt'],
    ['half', '.%2e/.%2e/secret.txt'],
    ['double', '%252e%252e%252f%252e%252e%252fsecret.txt'],
    ['double dots', '%252e%252e/%252e%252e/secret.txt'],
    ['mixed depth', '%252e%2e%2f%252e%2e/secret.txt'],
    ['overlong', '%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afsecret.txt'],
    ['overlong dots', '%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt'],
  ];
  const apps: Record<string, (v: string) => string> = {
    'join, not decoded': (v) => join(BASE, v),
    'join, decodeURIComponent': (v) => join(BASE, lenient(v)),
    'join, decoded twice': (v) => join(BASE, lenient(lenient(v))),
    'concatenated, not decoded': (v) => `${BASE}/${v}`,
    'concatenated, decoded': (v) => `${BASE}/${lenient(v)}`,
    'concatenated, decoded twice': (v) => `${BASE}/${lenient(lenient(v))}`,
  };
  for (const [name, form] of forms) {
    // the value as the app got it: raw (a path segment) or decoded once by the framework (query, body)
    for (const value of new Set([form, lenient(form)])) {
      for (const [how, build] of Object.entries(apps)) {
        const p = build(value);
        const leaves = !join('/', p).startsWith(BASE + '/');
        t.equal(rule(p, value), leaves ? PATH_RULES.traversal : undefined, `${name} ${JSON.stringify(value)}, ${how}: ${p}`);
      }
    }
  }
});
