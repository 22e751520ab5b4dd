// Inputs an app transforms before the sink: a path whose `../` is deleted once (`....//`
// survives as `../`), a shell word whose quotes are backslash-escaped inside single quotes
// (where `\'` ends the string), values trimmed or NFKC-normalized (fullwidth `；` `．`).
// Each attack form is found; the same escaping where it is harmless, names the deletion
// leaves inside the directory, and benign values so transformed are not.
import path from 'node:path';
import t from 'tap';
import { detectPathTraversal } from '../../src/detect/path';
import { detectShellInjection } from '../../src/detect/shell';
import { strippedForms } from '../../src/detect/path/stripped';
import type { UserInput } from '../../src/detect/types';

const q = (value: string): UserInput[] => [{ source: 'query', path: 'file', value }];
const BASE = '/srv/app/files';
const deleteAll = (v: string): string => v.replace(/\.\.\//g, '');
const deleteFirst = (v: string): string => v.replace('../', '');

t.test('strippedForms: only deletions that make a .. segment', async (t) => {
  t.same(strippedForms('....//etc/passwd'), ['../etc/passwd']);
  t.same(strippedForms('..././x'), ['../x']);
  t.same(strippedForms('....//....//x'), ['../../x', '../....//x']);
  t.same(strippedForms('../report.txt'), [], 'deleting leaves no ..');
  t.same(strippedForms('report.txt'), []);
});

t.test('path: what a `../` deletion joins is judged', async (t) => {
  for (const [v, strip] of [
    ['....//....//etc/passwd', deleteAll],
    ['..././..././etc/passwd', deleteAll],
    ['....//secret.txt', deleteFirst],
  ] as const) {
    t.equal(detectPathTraversal(path.join(BASE, strip(v)), q(v))?.rule, 'path.traversal', `${v} via join`);
    t.equal(detectPathTraversal(`${BASE}/${strip(v)}`, q(v))?.rule, 'path.traversal', `${v} via concatenation`);
  }
  t.equal(detectPathTraversal(path.join(BASE, deleteAll('sub/....//report.txt')), q('sub/....//report.txt')), undefined, 'stays under the base');
  t.equal(detectPathTraversal(path.join(BASE, 'notes..//x'), q('notes..//x')), undefined, 'dots inside a name');
});

t.test("shell: \\' inside single quotes ends the string; elsewhere it is a right escape", async (t) => {
  const esc = (v: string): string => v.replace(/'/g, "\\'");
  const attack = "x'; touch /tmp/pwn #";
  t.equal(detectShellInjection(`echo '${esc(attack)}'`, q(attack))?.rule, 'cmdi.operator');
  t.equal(detectShellInjection(`echo "${esc("O'Brien; rm -rf x")}"`, q("O'Brien; rm -rf x")), undefined, 'inside double quotes');
  t.equal(detectShellInjection(`echo ${esc("O'Brien")}`, q("O'Brien")), undefined, 'unquoted');
  t.equal(detectShellInjection(`echo 'x'\\''y'`, q("x'y")), undefined, "the right idiom ('\\'') is not this form");
});

t.test('trimmed and NFKC-normalized values, in commands and paths', async (t) => {
  const nfkc = (v: string): string => v.normalize('NFKC');
  t.equal(detectShellInjection(`echo ${nfkc('x；id')}`, q('x；id'))?.rule, 'cmdi.operator', 'fullwidth ;');
  t.equal(detectShellInjection(`echo ${nfkc('x＆＆id')}`, q('x＆＆id'))?.rule, 'cmdi.operator', 'fullwidth &&');
  t.equal(detectShellInjection(`echo ${'  x;id  '.trim()}`, q('  x;id  '))?.rule, 'cmdi.operator', 'trimmed');
  t.equal(detectShellInjection(`echo ${nfkc('ｈｏｌｉｄａｙ')}`, q('ｈｏｌｉｄａｙ')), undefined, 'a fullwidth word stays a word');
  t.equal(detectShellInjection(`echo ${'  holiday  '.trim()}`, q('  holiday  ')), undefined, 'a trimmed word');
  t.equal(detectPathTraversal(path.join(BASE, nfkc('．．/．．/etc/passwd')), q('．．/．．/etc/passwd'))?.rule, 'path.traversal', 'fullwidth dots');
  t.equal(detectPathTraversal(path.join(BASE, '  ../../etc/passwd '.trim()), q('  ../../etc/passwd '))?.rule, 'path.traversal', 'trimmed');
  t.equal(detectPathTraversal(path.join(BASE, nfkc('ｒｅｐｏｒｔ.txt')), q('ｒｅｐｏｒｔ.txt')), undefined, 'a fullwidth name');
  t.equal(detectPathTraversal(path.join(BASE, ' report.txt '.trim()), q(' report.txt ')), undefined, 'a trimmed name');
});

t.test('path: two inputs joined around the app\'s `.` and normalized', async (t) => {
  const two = (name: string, ext: string): UserInput[] => [
    { source: 'query', path: 'name', value: name },
    { source: 'query', path: 'ext', value: ext },
  ];
  t.equal(detectPathTraversal(path.join(BASE, `${'.'}.${'/secret.txt'}`), two('.', '/secret.txt'))?.rule, 'path.traversal');
  t.equal(detectPathTraversal(path.join(BASE, 'report.txt'), two('report', 'txt')), undefined, 'an ordinary name and extension');
  t.equal(detectPathTraversal(path.join(BASE, '.', './notes'), two('.', './notes')), undefined, 'separate segments: left alone');
  // Padding: many inputs that could be heads and tails, sent before the pair the app joined.
  const padding: UserInput[] = Array.from({ length: 60 }, (_, i) => ({ source: 'query', path: `p${i}`, value: i % 2 === 0 ? '.' : `/pad${i}` }));
  const padded = detectPathTraversal(path.join(BASE, `${'.'}.${'/secret.txt'}`), [...padding, ...two('.', '/secret.txt')]);
  t.ok(padded?.rule === 'path.traversal' || padded?.rule === 'rampart.check-budget', `padded past any count of pairs, the join is still refused (${padded?.rule})`);
  const sentences: UserInput[] = Array.from({ length: 200 }, (_, i) => ({ source: 'body', path: `s${i}`, value: i % 2 === 0 ? `Sentence ${i}.` : `/route/${i}` }));
  t.equal(detectPathTraversal(path.join(BASE, 'report.txt'), [...sentences, ...two('report', 'txt')]), undefined, 'sentences ending in a dot and paths are no heads: nothing joined, nothing flagged');
});
