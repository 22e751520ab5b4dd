// Detectors run on attacker-chosen text: they must never throw, whatever it is.
import t from 'tap';
import fc from 'fast-check';
import { detectPathTraversal, normalizePosixPath } from '../../../src/detect/path';

const tricky = fc.string({
  unit: fc.oneof(
    fc.constantFrom('/', '.', '..', '\\', '%', '%2e', '%c0%ae', '%u002e', '\0', 'file:', 'a', '%25', '%f0'),
    fc.string({ unit: 'binary', maxLength: 2 }),
  ),
  maxLength: 30,
});

t.test('detectPathTraversal and normalizePosixPath never throw', async (t) => {
  let n = 0;
  fc.assert(
    fc.property(tricky, tricky, fc.array(tricky, { maxLength: 2 }), (path, value, roots) => {
      n++;
      const d = detectPathTraversal(path, [{ source: 'body', path: 'x', value }], { allowedRoots: roots });
      normalizePosixPath(path);
      return d === undefined || (d.kind === 'path_traversal' && d.input.value === value);
    }),
    { seed: 5, numRuns: 1000 },
  );
  t.equal(n, 1000);
});
