// rampart loads its guard, checks and outbound steer at their first use (docs/performance.md,
// "Start-up"). If its files are gone by then (a deploy replacing node_modules under a running
// process), the hooks fail open, as the guard does with its own faults: the app's calls run
// as without rampart, nothing is thrown into them, the process stays up, and each fault is
// reported once (rampart.internal_error).
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ROOT, runChild } from '../helpers/child';

for (const [gone, reported] of [
  [['guard.js', 'checks/path.js', 'hooks/sinks/child-process/calls.js', 'hooks/sinks/outbound/steer.js'], ['load:child_process-check', 'load:fs-check', 'load:outbound-checks']],
  [['guard.js'], ['load:child_process-check', 'load:fs-check', 'load:guard']],
] as const) {
  t.test(`${gone.join(', ')} gone after start: calls go through, each fault reported once, the process up`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-files-gone-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const installed = join(dir, 'node_modules', 'rampart');
    mkdirSync(installed, { recursive: true });
    cpSync(join(ROOT, 'dist'), join(installed, 'dist'), { recursive: true, preserveTimestamps: true });
    cpSync(join(ROOT, 'package.json'), join(installed, 'package.json'));
    for (const dep of ['import-in-the-middle', 'pino', 'shimmer', '@opentelemetry']) symlinkSync(join(ROOT, 'node_modules', dep), join(dir, 'node_modules', dep), 'dir');
    const scratch = join(dir, 'scratch');
    mkdirSync(scratch);
    const app = join(ROOT, 'test', 'fixtures', 'files-gone-app.js');
    const result = await runChild(['--require', 'rampart/register', app, join(installed, 'dist'), scratch, gone.join(',')], {}, dir);
    t.equal(result.code, 0, `the process ran to its end: ${result.stderr}`);
    t.same(JSON.parse(result.stderr.trim().split('\n').pop()!), {
      exec: { ran: 'hello' },
      read: { ran: 'public text' },
      get: { ran: 'internal data' },
    });
    const faults = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.event === 'rampart.internal_error')
      .map((line) => line.where as string);
    t.same(faults.sort(), reported, 'each place reported once');
  });
}
