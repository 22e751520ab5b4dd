// scripts/check-regex.js: rampart's own sources pass, and the heuristic really flags the
// shapes that backtrack catastrophically (so a pass on src is not a dead check).
import { join } from 'node:path';
import t from 'tap';
import { ROOT, runChild } from '../helpers/child';

const SCRIPT = join(ROOT, 'scripts', 'check-regex.js');
const FIXTURE = 'test/fixtures/hardening-regex/patterns.ts';

interface Checker {
  parseRegex(pattern: string, flags: string): unknown;
  problems(tree: unknown): string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const checker = require(SCRIPT) as Checker;
const flagged = (pattern: string, flags = ''): boolean => checker.problems(checker.parseRegex(pattern, flags)).length > 0;

t.test('src has no regex with a catastrophic-backtracking shape', async (t) => {
  const result = await runChild([SCRIPT, 'src']);
  t.equal(result.code, 0, result.stdout);
  t.match(result.stdout, /\d+ regular expressions checked, 0 flagged/);
});

t.test('the fixture: every bad pattern flagged, safe ones accepted, look-alikes ignored', async (t) => {
  const result = await runChild([SCRIPT, FIXTURE]);
  t.equal(result.code, 1, 'a flagged pattern fails the check');
  const lines = result.stdout.split('\n');
  const listed = (status: string) =>
    lines.filter((l) => l.startsWith(status)).map((l) => l.slice(status.length).trim().split(/\s+/)[1]);
  t.same(listed('FLAGGED'), ['/(a+)+$/', '/^(\\d*)*x/', '/(a{1,3})+b/', '/(.*a){8}/', '/^(a|ab)*c/', '/(?:\\w|_)+!/', '/(a|)*b/', 'RegExp("(x+x+)+y")', 'RegExp("(source)")', '/(b+)+c/']);
  t.same(listed('ok'), ['/^\\d+$/', '/[&<>"\']/g', '/(?:ab)+/', '/^(?:a|b|\\d)+$/', '/a{2,5}/i', '/[/\\]]+/', 'RegExp("^[a-z]+$")']);
  t.match(result.stdout, /17 regular expressions checked, 10 flagged/, 'strings, comments and division are not regexes');
});

t.test('heuristic table', async (t) => {
  const bad = ['(a*)*', '(a|a)*', '(.*a){3}', '(x+)+y', '([a-z]+\\d?)*$', '(?:a|[a-c])+', '(\\s|\\t)*', '(?:a|b?)+'];
  const good = ['a+b+', '^[^"]*"$', '(?:a|b)*', '(?:abc)+', '\\d{1,3}(?:\\.\\d{1,3}){3}', '(?=a+)b', '[a-z]{2,}'];
  for (const p of bad) t.ok(flagged(p), `flags ${p}`);
  for (const p of good) t.notOk(flagged(p), `accepts ${p}`);
  t.ok(flagged('(?:a|A)+', 'i'), 'case-insensitive branches overlap');
  t.notOk(flagged('(?:a|A)+'), 'case-sensitive branches do not');
});
