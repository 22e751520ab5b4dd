'use strict';
// Megabyte payloads built to make a detector slow, against dist/: long runs of one character
// or of a short period (what a quadratic occurrence search or a rescanning lexer trips on),
// deep nesting, near-misses, a hundred inputs in a bulk INSERT, lone surrogates. Each case
// runs at 128 KiB and at 1 MiB: a linear detector takes about 8 times as long on the larger
// one, a quadratic one 64 times. The figure is that growth (the best of a few runs), gated in
// bench:check; it used to be a unit test, where a busy machine's timings made it flaky.
// Run directly (`node benchmarks/micro/linear-growth.js`) or through runLinearGrowth().
const path = require('node:path');

const dist = path.join(__dirname, '..', '..', 'dist');
const { detectPathTraversal, normalizePosixPath } = require(path.join(dist, 'detect', 'path'));
const { detectArgumentInjection, detectShellInjection, redactCommandLine } = require(path.join(dist, 'detect', 'shell'));
const { detectSqlInjection, redactSqlLiterals } = require(path.join(dist, 'detect', 'sql'));
const { findHostControllingInput, urlHost } = require(path.join(dist, 'detect', 'ssrf'));

const input = (value, path = 'q') => ({ source: 'query', path, value });

const DETECTORS = {
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

const repeat = (unit, length) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Each builds a payload of about `n` characters and the inputs that go with it. */
const CASES = {};
// An input of n/2 characters inside a run of n of the same unit: every overlapping occurrence.
for (const unit of ['a', "'", '"', '\\', '.', '/', '(', '-', '$', ' ', 'ab', "''", '../', '..\\', '%2e', 'a.', '1,', "'a',", '$(', '\uD800']) {
  CASES[`run of ${JSON.stringify(unit)}`] = (n) => ({ payload: repeat(unit, n), inputs: [input(repeat(unit, n >> 1))] });
}
Object.assign(CASES, {
  'run inside a string literal': (n) => ({ payload: `SELECT * FROM t WHERE a = '${repeat('a', n)}'`, inputs: [input(repeat('a', n >> 1))] }),
  'run inside a URL host': (n) => ({ payload: `http://${repeat('a.', n)}example.com/`, inputs: [input(repeat('a.', n >> 1))] }),
  'run under a base directory': (n) => ({ payload: `/srv/app/uploads/${repeat('../', n)}etc/passwd`, inputs: [input(repeat('../', n >> 1))] }),
  'run inside a quoted shell word': (n) => ({ payload: `echo '${repeat('a', n)}' | wc -c`, inputs: [input(repeat('a', n >> 1))] }),
  // Almost periodic: each try matches nearly the whole input before failing.
  'near-miss run': (n) => ({ payload: repeat('a', n), inputs: [input(repeat('a', n >> 1) + 'b')] }),
  'near-miss at the end': (n) => ({ payload: repeat('a', n) + 'b', inputs: [input('b' + repeat('a', n >> 1))] }),
  'many short occurrences': (n) => ({ payload: repeat("x'", n), inputs: [input("x'x'x'x'")] }),
  'many separate occurrences': (n) => ({ payload: repeat(`${repeat('a', 63)}b`, n), inputs: [input(`${repeat('a', 63)}b`)] }),
  'deep nesting': (n) => ({ payload: repeat('(', n >> 1) + repeat(')', n >> 1), inputs: [input(repeat('(', n >> 2))] }),
  'nested comments': (n) => ({ payload: repeat('/*', n >> 1) + repeat('*/', n >> 1), inputs: [input(repeat('/*', n >> 3))] }),
  'unterminated quote': (n) => ({ payload: `SELECT '${repeat('a', n)}`, inputs: [input(`'${repeat('a', 100)}`)] }),
  // A hundred inputs in a bulk INSERT of n characters that repeats them. (Checks cost the
  // inputs times the payload: with maxInputs of them, the guard's time budget steps in,
  // see check-budget.test.ts.)
  'a hundred inputs': (n) => {
    const inputs = [];
    for (let i = 0; i < 100; i++) inputs.push(input(`${i}'${repeat('z', 40)}`, `body.f${i}`));
    const row = inputs.map((x) => `('${x.value.replace(/'/g, "''")}')`).join(',');
    return { payload: `INSERT INTO t VALUES ${repeat(row + ',', n)}`, inputs };
  },
});

const SMALL = 128 * 1024;
const LARGE = 1024 * 1024;
/**
 * Below this a measurement is mostly timer, scheduling and garbage-collection noise. A
 * quadratic case is still caught once it takes 8 ms at 128 KiB (half a second at 1 MiB).
 */
const FLOOR_MS = 20;

/** The least CPU time (ms) of `runs` calls: CPU time, not wall time, so other processes count less. */
function bestOf(runs, fn) {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/**
 * Every detector on every case, or only the `pairs` given ([{ detector, case }], to confirm a
 * few figures): [{ detector, case, smallMs, largeMs, growth }].
 */
function runLinearGrowth({ pairs } = {}) {
  const rows = [];
  for (const [detectorName, detect] of Object.entries(DETECTORS)) {
    for (const [caseName, build] of Object.entries(CASES)) {
      if (pairs !== undefined && !pairs.some((p) => p.detector === detectorName && p.case === caseName)) continue;
      const small = build(SMALL);
      const large = build(LARGE);
      const smallMs = bestOf(3, () => void detect(small.payload, small.inputs));
      const largeMs = bestOf(2, () => void detect(large.payload, large.inputs));
      rows.push({ detector: detectorName, case: caseName, smallMs, largeMs, growth: largeMs / Math.max(smallMs, FLOOR_MS) });
    }
  }
  return rows;
}

module.exports = { runLinearGrowth, DETECTORS, CASES };

if (require.main === module) {
  const rows = runLinearGrowth();
  rows.sort((a, b) => b.growth - a.growth);
  for (const r of rows.slice(0, 10)) console.log(`${r.growth.toFixed(1)}x ${r.detector} / ${r.case}: ${r.smallMs.toFixed(1)} ms at 128 KiB, ${r.largeMs.toFixed(1)} ms at 1 MiB`);
  console.log(`${rows.length} cases; largest growth ${rows[0].growth.toFixed(1)}x (linear about 8, quadratic 64)`);
}
