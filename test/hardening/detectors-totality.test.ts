// Every detector's public functions run on attacker-chosen text, so across all of them
// (SQL in three dialects, shell, argument injection, path, SSRF, and the redactors that
// render findings): never a throw on arbitrary UTF-16 (lone surrogates included), and
// bounded time on 100,000-deep nesting.
// Per-detector suites cover their own grammar; this file holds what they have in common.
// Megabyte payloads: benchmarks/micro/linear-growth.js.
import fc from 'fast-check';
import t from 'tap';
import { detectPathTraversal, normalizePosixPath } from '../../src/detect/path';
import { detectArgumentInjection, detectShellInjection, redactCommandLine } from '../../src/detect/shell';
import { detectSqlInjection, redactSqlLiterals } from '../../src/detect/sql';
import { canonicalHost, classifyAddress, findHostControllingInput, parseIpLiteral, urlHost } from '../../src/detect/ssrf';
import type { UserInput } from '../../src/detect/types';


const SEED = 20260131;
const input = (value: string): UserInput => ({ source: 'query', path: 'q', value });

interface Verdict {
  readonly flagged: boolean;
  readonly input?: UserInput;
}
type Detector = (payload: string, inputs: readonly UserInput[]) => Verdict;
const fromDetection = (d: { input: UserInput } | undefined): Verdict => ({ flagged: d !== undefined, input: d?.input });

const DETECTORS: Record<string, Detector> = {
  'sql/postgres': (p, i) => fromDetection(detectSqlInjection(p, i, 'postgres')),
  'sql/mysql': (p, i) => fromDetection(detectSqlInjection(p, i, 'mysql')),
  'sql/sqlite': (p, i) => fromDetection(detectSqlInjection(p, i, 'sqlite')),
  shell: (p, i) => fromDetection(detectShellInjection(p, i)),
  // Arguments as an app would pass them to a program run without a shell.
  argument: (p, i) => fromDetection(detectArgumentInjection('find', ['.', '-name', p], i)),
  path: (p, i) => fromDetection(detectPathTraversal(p, i, { allowedRoots: ['/srv/app'] })),
  ssrf: (p, i) => {
    const found = findHostControllingInput({ hostname: urlHost(p) ?? p, href: p }, i);
    return { flagged: found !== undefined, input: found };
  },
};
// Run on the same text when a finding is rendered, or to classify a destination.
const RENDERERS: Record<string, (p: string) => unknown> = {
  'redact sql/postgres': (p) => redactSqlLiterals(p, 'postgres'),
  'redact sql/mysql': (p) => redactSqlLiterals(p, 'mysql'),
  'redact shell': redactCommandLine,
  'normalize path': normalizePosixPath,
  'ssrf host helpers': (p) => [canonicalHost(p), classifyAddress(p), parseIpLiteral(p), urlHost(p)],
};

// UTF-16 code units, weighted towards lone surrogates and characters every grammar cares about.
const SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D', '\uDE00'];
const SPECIAL = ["'", '"', '`', '\\', '/', '.', '..', '%', '%2e', '%2f', '%00', '\0', '(', ')', '[', ']', '$', '$(', '${', ';', '|', '&', '#', '--', '/*', '*/', '@', ':', '::', '0x', ' ', '\n', '\r', '\t', 'http://', 'a', '1', 'é', '\u3002', '\uFF0E'];
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom(...SURROGATES) },
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL) },
);
const hostile = fc.string({ unit, maxLength: 120 });

t.test('total on arbitrary UTF-16, lone surrogates included', async (t) => {
  for (const [name, detect] of Object.entries(DETECTORS)) {
    fc.assert(
      fc.property(hostile, hostile, fc.nat(), fc.nat(), (payload, other, a, b) => {
        const from = payload.length === 0 ? 0 : a % payload.length;
        const to = from + (payload.length === 0 ? 0 : b % (payload.length - from + 1));
        const inputs = [input(payload.slice(from, to)), input(other), input(payload)];
        const verdict = detect(payload, inputs);
        // A finding always names one of the inputs it was given.
        return !verdict.flagged || inputs.includes(verdict.input!);
      }),
      { seed: SEED, numRuns: 400 },
    );
    t.pass(`${name}: 400 hostile payloads and inputs`);
  }
  for (const [name, render] of Object.entries(RENDERERS)) {
    fc.assert(
      fc.property(hostile, (payload) => {
        render(payload);
      }),
      { seed: SEED, numRuns: 400 },
    );
    t.pass(`${name}: 400 hostile strings`);
  }
});

// A quadratic pass over 100,000 characters takes seconds to minutes; a linear one,
// milliseconds. Megabyte payloads are measured in benchmarks/micro/linear-growth.js (gated
// in bench:check); this bound is far above linear on a loaded 2-core CI machine.
const BOUND_MS = 10_000;

t.test('deep nesting: 100,000 open parentheses, brackets, substitutions', async (t) => {
  const deep = ['('.repeat(1e5), '$('.repeat(1e5), '['.repeat(1e5), '{'.repeat(1e5), '${'.repeat(1e5), '('.repeat(1e5) + ')'.repeat(1e5)];
  for (const payload of deep) {
    for (const [name, detect] of Object.entries(DETECTORS)) {
      const started = process.hrtime.bigint();
      const verdict = detect(payload, [input(payload), input(payload.slice(0, 10))]);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (ms >= BOUND_MS) t.fail(`${name} on ${JSON.stringify(payload.slice(0, 4))}...: ${ms.toFixed(0)} ms`);
      t.type(verdict.flagged, 'boolean');
    }
    for (const render of Object.values(RENDERERS)) render(payload);
  }
  t.pass('no stack overflow, no throw');
});
