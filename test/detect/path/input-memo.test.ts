// The path detector keeps what each input can do to a path across calls with the same
// inputs array; another input object (UserInput objects are never changed in place: a new
// value is a new object) must be scanned afresh.

import t from 'tap';
import { detectPathTraversal } from '../../../src/detect/path';
import type { UserInput } from '../../../src/detect/types';

type Mutable = { source: 'query'; path: string; value: string };
const q = (value: string, path = 'file'): Mutable => ({ source: 'query', path, value });
const rule = (path: string, inputs: readonly UserInput[]) => detectPathTraversal(path, inputs)?.rule;
const TRAVERSED = '/srv/uploads/../../etc/passwd';

t.test('a new value in the same array is scanned afresh', async (t) => {
  const list = [q('Mozilla/5.0 (X11)', 'user-agent'), q('report.pdf')];
  t.equal(rule(TRAVERSED, list), undefined, 'a plain name does nothing');
  list[1] = q('../../etc/passwd');
  t.equal(rule(TRAVERSED, list), 'path.traversal');
  list[1] = q('report.pdf');
  t.equal(rule(TRAVERSED, list), undefined, 'and back');
});

t.test('another object at the same place, with the same path, is its own input', async (t) => {
  const list: Mutable[] = [q('passwd')];
  t.equal(rule(TRAVERSED, list), undefined);
  list[0] = q('..%2f..%2fetc%2fpasswd');
  t.equal(rule(TRAVERSED, list), 'path.traversal', 'its decoded form reaches the path');
  list[0] = q('passwd');
  t.equal(rule(TRAVERSED, list), undefined);
});

t.test('values that differ only in case keep their own verdicts', async (t) => {
  // `%2F` and `%2f` decode alike, but `..%2F` in a different case is a different value.
  // The path is mixed-case so that no case-folded form (toLowerCase/toUpperCase, which
  // the detector also tries) of the second value spells it either.
  const mixed = '/srv/uploads/../../etc/Passwd';
  const list = [q('..%2F..%2Fetc%2FPasswd')];
  t.equal(rule(mixed, list), 'path.traversal');
  list[0] = q('..%2F..%2FETC%2FPASSWd');
  t.equal(rule(mixed, list), undefined, 'does not spell the path any more');
});
