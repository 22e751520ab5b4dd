// The occurrence search every detector starts with: the same occurrences as a naive scan, in
// the same order, for needles short and long (past the length where KMP takes over from
// indexOf), periodic and not, over small alphabets where overlaps are frequent.
import fc from 'fast-check';
import t from 'tap';
import { INDEXED_PAYLOAD, LONG_NEEDLE, forgetIndexedPayloads, indexOfLinear, nextOccurrence, smallestPeriod } from '../../src/detect/occurrences';

function naive(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

function linear(haystack: string, needle: string): number[] {
  const found: number[] = [];
  const period = smallestPeriod(needle);
  for (let at = indexOfLinear(haystack, needle, 0); at !== -1; at = nextOccurrence(haystack, needle, at, period)) found.push(at);
  return found;
}

const small = (max: number) => fc.string({ unit: fc.constantFrom('a', 'b', '/', '.'), minLength: 1, maxLength: max });

t.test('the same occurrences as a naive scan', async (t) => {
  fc.assert(
    fc.property(small(40), small(6), (haystack, needle) => {
      t.same(linear(haystack, needle), naive(haystack, needle));
    }),
    { seed: 20261128, numRuns: 2000 },
  );
});

t.test('long needles go through KMP and find the same', async (t) => {
  fc.assert(
    fc.property(small(8), fc.integer({ min: 40, max: 120 }), small(3), fc.integer({ min: 0, max: 3 }), (unit, reps, noise, where) => {
      const needle = unit.repeat(Math.ceil((LONG_NEEDLE + 1) / unit.length) + reps);
      const run = needle + unit.repeat(reps);
      const haystack = [noise, run, noise, run + noise + needle][where % 4] + noise + run;
      t.same(linear(haystack, needle), naive(haystack, needle));
      t.equal(indexOfLinear(haystack, needle, 5), haystack.indexOf(needle, 5));
    }),
    { seed: 20261128, numRuns: 300 },
  );
});

// A long payload searched again and again is looked up through its pair index, which
// verifies each candidate from the needle's rarest pair on: text that is mostly `abab…`
// with a few rare pairs, needles cut around them and changed on either side of the pair.
t.test('a long payload searched repeatedly (through its pair index) gives the same occurrences', async (t) => {
  const piece = fc.constantFrom('ab', 'ab', 'ab', 'ab', 'ab', 'ab', 'xa', 'yb', 'ba');
  const cut = fc.tuple(fc.nat(), fc.integer({ min: 2, max: 300 }), fc.nat(), fc.constantFrom('', 'a', 'b', 'x'));
  fc.assert(
    fc.property(fc.array(piece, { minLength: INDEXED_PAYLOAD / 2, maxLength: INDEXED_PAYLOAD / 2 + 200 }), fc.array(cut, { minLength: 12, maxLength: 20 }), (pieces, cuts) => {
      forgetIndexedPayloads();
      const haystack = pieces.join('');
      for (const [from, length, where, change] of cuts) {
        const start = from % (haystack.length - length);
        let needle = haystack.slice(start, start + length);
        if (change !== '') {
          const k = where % length;
          needle = needle.slice(0, k) + change + needle.slice(k + 1);
        }
        t.same(linear(haystack, needle), naive(haystack, needle));
      }
    }),
    { seed: 20261207, numRuns: 150 },
  );
});

t.test('smallestPeriod', async (t) => {
  t.equal(smallestPeriod('aaaa'), 1);
  t.equal(smallestPeriod('abab'), 2);
  t.equal(smallestPeriod('abaab'), 3);
  t.equal(smallestPeriod('abc'), 3);
  t.equal(smallestPeriod('a'), 1);
  t.equal(smallestPeriod('../../'), 3);
});
