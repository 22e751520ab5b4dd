// The bundled-package check in this process: once per process, cancelled by stop(). The
// entry file the check reads is this test file, which carries the marker esbuild would
// write for a bundled koa on the next line (koa is never loaded here):
// node_modules/koa/lib/application.js
import t from 'tap';
import { scheduleInlinedCheck } from '../../src/bundlers/inlined-check';
import type { RampartLogger } from '../../src/report/logger';

interface Line {
  level: string;
  fields: Record<string, unknown>;
  message?: string;
}

function collecting(): { logger: RampartLogger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (fields: object, message?: string) => void lines.push({ level, fields: fields as Record<string, unknown>, message });
  const logger: RampartLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), isLevelEnabled: () => true, flush: () => {}, bridged: false };
  return { logger, lines };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

t.test('warned once per process, not after a cancel, naming the package and the fix', async (t) => {
  const cancelled = collecting();
  scheduleInlinedCheck({ packages: () => ['koa', 'pg'], patched: () => new Set(['pg']), logger: cancelled.logger })();

  const first = collecting();
  scheduleInlinedCheck({ packages: () => ['koa', 'pg'], patched: () => new Set(['pg']), logger: first.logger });
  await until(() => first.lines.length > 0);
  t.equal(first.lines.length, 1);
  t.equal(first.lines[0]?.level, 'warn');
  t.same(first.lines[0]?.fields.packages, ['koa'], 'pg was patched: only koa is named');
  t.equal(first.lines[0]?.fields.event, 'rampart.inlined_packages');
  t.match(first.lines[0]?.message, /^rampart: koa is bundled into .*inlined-once\.test\.ts, where rampart cannot hook it: .*NOT protected.*rampart\/esbuild.*rampart\/webpack.*rampart\/next/);
  t.same(cancelled.lines, [], 'the cancelled check (its timer came first) logged nothing');

  const again = collecting();
  const cancelAgain = scheduleInlinedCheck({ packages: () => ['koa'], patched: () => new Set(), logger: again.logger });
  cancelAgain(); // nothing to cancel: after the warning no check is scheduled
  const third = collecting();
  scheduleInlinedCheck({ packages: () => ['koa'], patched: () => new Set(), logger: third.logger });
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.same([...again.lines, ...third.lines], [], 'no second warning in this process');
});
