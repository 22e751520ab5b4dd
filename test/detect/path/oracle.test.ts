// Node's own path module as ground truth for the lexical parts of the path detector.
import t from 'tap';
import fc from 'fast-check';
import nodePath from 'node:path';
import { detectPathTraversal, normalizePosixPath } from '../../../src/detect/path';
import type { UserInput } from '../../../src/detect/types';

const RUNS = 500;
const posix = nodePath.posix;

const segment = fc.constantFrom('', '.', '..', '...', 'a', 'b', 'up', '.a', 'a.', '..a', 'x..', '.. ', ' ..');
const rawPath = fc
  .tuple(fc.boolean(), fc.array(segment, { maxLength: 8 }), fc.boolean())
  .map(([abs, segs, trailing]) => (abs ? '/' : '') + segs.join('/') + (trailing ? '/' : ''));

t.test('normalizePosixPath equals path.posix.normalize', async (t) => {
  let runs = 0;
  fc.assert(
    fc.property(rawPath, (p) => {
      runs++;
      return normalizePosixPath(p) === posix.normalize(p);
    }),
    { seed: 20240601, numRuns: RUNS },
  );
  // arbitrary strings too, including backslashes and NUL (plain characters on POSIX)
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('/', '.', 'a', '\\', '\0', 'é') }), (p) => {
      runs++;
      return normalizePosixPath(p) === posix.normalize(p);
    }),
    { seed: 7, numRuns: RUNS },
  );
  t.equal(runs, 2 * RUNS, `normalize agreed on ${runs}/${runs} generated paths`);
});

const name = fc.constantFrom('a', 'b', 'srv', 'up', 'data');
const base = fc.array(name, { minLength: 1, maxLength: 4 }).map((segs) => '/' + segs.join('/'));
const relInput = fc
  .array(fc.constantFrom('..', '..', '.', '', 'a', 'b', 'up', 'data', '..a', 'x..'), { minLength: 1, maxLength: 6 })
  .map((segs) => segs.join('/'))
  .filter((s) => s.length > 0 && !s.startsWith('/'));

const outside = (b: string, target: string): boolean => {
  const rel = posix.relative(b, target);
  return rel === '..' || rel.startsWith('../') || posix.isAbsolute(rel);
};
const climbs = (input: string): boolean => {
  const n = posix.normalize(input.replace(/^\/+/, ''));
  return n === '..' || n.startsWith('../');
};
const q = (value: string): UserInput[] => [{ source: 'query', path: 'f', value }];

interface Tally {
  total: number;
  agree: number;
  falseNegatives: string[];
  falsePositives: string[];
}
const tally = (): Tally => ({ total: 0, agree: 0, falseNegatives: [], falsePositives: [] });
const record = (tl: Tally, flagged: boolean, truth: boolean, label: string) => {
  tl.total++;
  if (flagged === truth) tl.agree++;
  else if (truth) tl.falseNegatives.push(label);
  else tl.falsePositives.push(label);
};
const pct = (tl: Tally) => ((100 * tl.agree) / tl.total).toFixed(1);

t.test('path.join(base, input): flagged iff path.resolve(base, input) leaves base', async (t) => {
  const tl = tally();
  let reentry = 0;
  fc.assert(
    fc.property(base, relInput, (b, input) => {
      const joined = posix.join(b, input);
      const truth = outside(b, posix.resolve(b, input));
      const flagged = detectPathTraversal(joined, q(input)) !== undefined;
      record(tl, flagged, truth, `${b} + ${input}`);
      // The only disagreement allowed: an input that climbs out and back in, which the
      // detector cannot tell from an escape once the app has normalized it away.
      if (flagged !== truth) {
        if (!(flagged && climbs(input))) return false;
        reentry++;
      }
      return true;
    }),
    { seed: 42, numRuns: RUNS },
  );
  t.equal(tl.falseNegatives.length, 0, 'no escape is missed');
  t.equal(tl.falsePositives.length, reentry, 'every false positive climbs out and back in');
  t.comment(`join agreement: ${tl.agree}/${tl.total} (${pct(tl)}%), re-entry false positives: ${reentry}`);
  t.ok(tl.agree / tl.total > 0.9, `join agreement ${pct(tl)}% > 90%`);
});

t.test("base + '/' + input: flagged iff path.resolve(base, input) leaves base", async (t) => {
  const tl = tally();
  fc.assert(
    fc.property(base, relInput, (b, input) => {
      const truth = outside(b, posix.resolve(b, input));
      const flagged = detectPathTraversal(b + '/' + input, q(input)) !== undefined;
      record(tl, flagged, truth, `${b} + ${input}`);
      return true;
    }),
    { seed: 43, numRuns: RUNS },
  );
  t.comment(`concatenation agreement: ${tl.agree}/${tl.total} (${pct(tl)}%)`);
  t.same(tl.falseNegatives, [], 'no escape is missed');
  t.same(tl.falsePositives, [], 'nothing inside the base is flagged');
});

t.test('path.resolve(base, input) with absolute inputs and allowedRoots = [base]', async (t) => {
  const absInput = fc
    .tuple(fc.constantFrom('/', '//', '/srv/', '/a/b/'), relInput)
    .map(([prefix, rest]) => prefix + rest);
  const tl = tally();
  let reentry = 0;
  fc.assert(
    fc.property(base, fc.oneof(absInput, relInput), (b, input) => {
      const resolved = posix.resolve(b, input);
      const truth = outside(b, resolved);
      const flagged = detectPathTraversal(resolved, q(input), { allowedRoots: [b] }) !== undefined;
      record(tl, flagged, truth, `${b} + ${input}`);
      if (flagged === truth) return true;
      // same single allowed disagreement as for join, and only for relative inputs
      if (flagged && !posix.isAbsolute(input) && climbs(input)) {
        reentry++;
        return true;
      }
      return false;
    }),
    { seed: 44, numRuns: RUNS },
  );
  t.equal(tl.falseNegatives.length, 0, 'no escape is missed');
  t.equal(tl.falsePositives.length, reentry, 'every false positive climbs out and back in');
  t.comment(`resolve agreement: ${tl.agree}/${tl.total} (${pct(tl)}%), re-entry false positives: ${reentry}`);
  t.ok(tl.agree / tl.total > 0.9, `resolve agreement ${pct(tl)}% > 90%`);
});
