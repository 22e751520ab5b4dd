import t from 'tap';
import { detectShellInjection, redactCommandLine, tokenizeShell } from '../../../src/detect/shell';

// A megabyte per case, several cases: allow more than the default per-file timeout.
t.setTimeout(240_000);

const MB = 1 << 20;
const fill = (unit: string): string => unit.repeat(Math.floor(MB / unit.length));

t.test('linear time on adversarial megabyte inputs', async (t) => {
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
    // Generous on purpose (slow CI machines, GC of a large token graph): a quadratic
    // algorithm needs hours on a megabyte, a linear one seconds at worst.
    t.ok(ms < 30_000, `${JSON.stringify(name)} x ${s.length} chars: ${ms.toFixed(0)} ms, ${tokens.length} tokens`);
    t.ok(found !== undefined, `${JSON.stringify(name)}: the hostile input is flagged`);
  }
});
