// Megabyte payloads built to make a detector slow: long runs of one character or of a short
// period (what a quadratic occurrence search or rescanning lexer trips on), deep nesting,
// near-misses, thousands of inputs, lone surrogates. Each case runs at 128 KiB and at 1 MiB:
// a linear detector takes about 8 times as long on the larger one, a quadratic one 64 times.
// The assertion is on that growth (the best of a few runs, so a busy machine does not decide
// it), not on wall-clock time: the absolute figures are printed for the record.
import t from 'tap';
import { detectPathTraversal, normalizePosixPath } from '../../src/detect/path';
import { detectArgumentInjection, detectShellInjection, redactCommandLine } from '../../src/detect/shell';
import { detectSqlInjection, redactSqlLiterals } from '../../src/detect/sql';
import { findHostControllingInput, urlHost } from '../../src/detect/ssrf';
import type { UserInput } from '../../src/detect/types';

const input = (value: string, path = 'q'): UserInput => ({ source: 'query', path, value });

type Detector = (payload: string, inputs: readonly UserInput[]) => unknown;
const DETECTORS: Record<string, Detector> = {
  'sql/postgres': (p, i) => detectSqlInjection(p, i, 'postgres'),
  'sql/mysql': (p, i) => detectSqlInjection(p, i, 'mysql'),
  'sql/sqlite': (p, i) => detectSqlInjection(p, i, 'sqlite'),
  shell: (p, i) => detectShellInjection(p, i),
  argument: (p, i) => detectArgumentInjection('find', ['.', '-name', p, p], i),
  path: (p, i) => detectPathTraversal(p, i, { allowedRoots: ['/srv/app'] }),
  ssrf: (p, i) => findHostControllingInput({ hostname: urlHost(p) ?? p, href: p }, i),
  'redact sql': (p) => [redactSqlLiterals(p, 'postgres'), redactSqlLiterals(p, 'mysql')],
  'redact shell': (p) => redactCommandLine(p),
  'normalize path': (p) => normalizePosixPath(p),
};

interface Case {
  readonly payload: string;
  readonly inputs: readonly UserInput[];
}

const repeat = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Each builds a payload of about `n` characters and the inputs that go with it. */
const CASES: Record<string, (n: number) => Case> = {};
// An input of n/2 characters inside a run of n of the same unit: every overlapping occurrence.
for (const unit of ['a', "'", '"', '\\', '.', '/', '(', '-', '$', ' ', 'ab', "''", '../', '..\\', '%2e', 'a.', '1,', "'a',", '$(', '\uD800']) {
  CASES[`run of ${JSON.stringify(unit)}`] = (n) => ({ payload: repeat(unit, n), inputs: [input(repeat(unit, n >> 1))] });
}
Object.assign(CASES, {
  'run inside a string literal': (n: number) => ({ payload: `SELECT * FROM t WHERE a = '${repeat('a', n)}'`, inputs: [input(repeat('a', n >> 1))] }),
  'run inside a URL host': (n: number) => ({ payload: `http://${repeat('a.', n)}example.com/`, inputs: [input(repeat('a.', n >> 1))] }),
  'run under a base directory': (n: number) => ({ payload: `/srv/app/uploads/${repeat('../', n)}etc/passwd`, inputs: [input(repeat('../', n >> 1))] }),
  'run inside a quoted shell word': (n: number) => ({ payload: `echo '${repeat('a', n)}' | wc -c`, inputs: [input(repeat('a', n >> 1))] }),
  // Almost periodic: each try matches nearly the whole input before failing.
  'near-miss run': (n: number) => ({ payload: repeat('a', n), inputs: [input(repeat('a', n >> 1) + 'b')] }),
  'near-miss at the end': (n: number) => ({ payload: repeat('a', n) + 'b', inputs: [input('b' + repeat('a', n >> 1))] }),
  'many short occurrences': (n: number) => ({ payload: repeat("x'", n), inputs: [input("x'x'x'x'")] }),
  'many separate occurrences': (n: number) => ({ payload: repeat(`${repeat('a', 63)}b`, n), inputs: [input(`${repeat('a', 63)}b`)] }),
  'deep nesting': (n: number) => ({ payload: repeat('(', n >> 1) + repeat(')', n >> 1), inputs: [input(repeat('(', n >> 2))] }),
  'nested comments': (n: number) => ({ payload: repeat('/*', n >> 1) + repeat('*/', n >> 1), inputs: [input(repeat('/*', n >> 3))] }),
  'unterminated quote': (n: number) => ({ payload: `SELECT '${repeat('a', n)}`, inputs: [input(`'${repeat('a', 100)}`)] }),
  // A hundred inputs in a bulk INSERT of n characters that repeats them. (Checks cost the
  // inputs times the payload: with maxInputs of them, the guard's time budget steps in,
  // see check-budget.test.ts.)
  'a hundred inputs': (n: number) => {
    const inputs: UserInput[] = [];
    for (let i = 0; i < 100; i++) inputs.push(input(`${i}'${repeat('z', 40)}`, `body.f${i}`));
    const row = inputs.map((x) => `('${x.value.replace(/'/g, "''")}')`).join(',');
    return { payload: `INSERT INTO t VALUES ${repeat(row + ',', n)}`, inputs };
  },
});

// Twenty seconds or so on an idle 2-core machine; more when it is busy.
t.setTimeout(300_000);

const SMALL = 128 * 1024;
const LARGE = 1024 * 1024;
/** A linear detector grows about 8 times from SMALL to LARGE, a quadratic one 64 times. */
const MAX_GROWTH = 24;
/**
 * Below this a measurement is mostly timer, scheduling and garbage-collection noise. A
 * quadratic case is still caught once it takes 8 ms at 128 KiB (half a second at 1 MiB).
 */
const FLOOR_MS = 20;

function bestOf(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

for (const [detectorName, detect] of Object.entries(DETECTORS)) {
  t.test(`${detectorName}: linear on megabyte payloads`, async (t) => {
    const slowest: string[] = [];
    for (const [caseName, build] of Object.entries(CASES)) {
      const small = build(SMALL);
      const large = build(LARGE);
      const smallMs = bestOf(3, () => void detect(small.payload, small.inputs));
      const largeMs = bestOf(2, () => void detect(large.payload, large.inputs));
      const growth = largeMs / Math.max(smallMs, FLOOR_MS);
      t.ok(growth < MAX_GROWTH, `${caseName}: ${smallMs.toFixed(1)} ms at 128 KiB, ${largeMs.toFixed(1)} ms at 1 MiB`, {
        growth: growth.toFixed(1),
      });
      slowest.push(`${largeMs.toFixed(0)} ms ${caseName}`);
    }
    slowest.sort((a, b) => parseFloat(b) - parseFloat(a));
    t.comment(`slowest at 1 MiB: ${slowest.slice(0, 3).join('; ')}`);
  });
}
