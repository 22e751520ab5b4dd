import t from 'tap';
import { detectShellInjection, redactCommandLine, tokenizeShell } from '../../../src/detect/shell';

// A megabyte per case, several cases: allow more than the default per-file timeout.
t.setTimeout(240_000);

const MB = 1 << 20;
const fill = (unit: string): string => unit.repeat(Math.floor(MB / unit.length));

t.test('adversarial megabyte inputs are tokenized and flagged', async (t) => {
  const cases: [string, string][] = [
    ['$(', fill('$(')],
    ["'", fill("'")],
    ['"', fill('"')],
    ['\\', fill('\\')],
    ['`', fill('`')],
    ['${', fill('${')],
    ['$((', fill('$((')],
    ['"$(', fill('"$(')],
    ['`#`', fill('`#`')],
    ["`'`", fill("`'`")],
    ['<<a\\n', fill('<<a\n')],
    ['a ', fill('a ')],
    ['$(case x in ', fill('$(case x in ')],
    ['mixed', fill('$("\'\\`${) \n')],
  ];
  for (const [name, s] of cases) {
    const started = process.hrtime.bigint();
    const tokens = tokenizeShell(s);
    const found = detectShellInjection(s, [{ source: 'body', path: 'v', value: s.slice(0, 64) }]);
    redactCommandLine(s);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // The time is printed for the record, not asserted: growth with size is gated in the
    // benchmarks (benchmarks/micro/linear-growth.js), where load cannot fail a unit test.
    t.comment(`${JSON.stringify(name)} x ${s.length} chars: ${ms.toFixed(0)} ms, ${tokens.length} tokens`);
    t.ok(tokens.length > 0, `${JSON.stringify(name)}: tokenized`);
    t.ok(found !== undefined, `${JSON.stringify(name)}: the hostile input is flagged`);
  }
});
