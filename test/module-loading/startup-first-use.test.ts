// What start-up loads, and the first use of what it does not (docs/performance.md,
// "Start-up"): detectors, tokenizers, pino, the OpenTelemetry bridge, the request context,
// the package hooks, the guard, the checks and the outbound steer load when first needed, synchronously, so the first sink call of a
// process is refused like any other, and its finding is reported (a pino line here).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runChild } from '../helpers/child';

t.test('start-up loads no detector; the first sink call loads it and is refused and reported', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-first-use-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const result = await runChild(['--require', 'rampart/register', 'test/fixtures/startup-first-use.js', dir], { RAMPART_LOG_LEVEL: 'info' });
  t.equal(result.code, 0, result.stderr);
  const outcome = JSON.parse(result.stderr.trim().split('\n').pop()!) as Record<string, unknown>;
  t.same(outcome, {
    loadedAtStart: [],
    sqlDetectorLoaded: true,
    shellDetectorLoaded: true,
    pinoLoaded: true,
    execAttack: { error: 'RAMPART_BLOCKED' },
    execBenign: { ran: 'hello' },
    sqlAttack: { error: 'RAMPART_BLOCKED' },
    sqlBenign: { ran: 'ann' },
    canaryCreated: false,
    guardLoaded: true,
    steerLoaded: true,
    fsAttack: { error: 'RAMPART_BLOCKED' },
    fsBenign: { ran: 'public text' },
    ssrfAttack: { error: 'RAMPART_BLOCKED' },
    ssrfBenign: { ran: 'internal data' },
    internalHits: ['/status'],
  });
  const lines = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  t.equal(lines[0]?.event, 'rampart.started', 'the start line is written without pino, in its shape');
  t.same(Object.keys(lines[0]!).slice(0, 4), ['level', 'time', 'pid', 'name']);
  const attacks = lines.filter((line) => line.event === 'rampart.attack');
  t.same(
    attacks.map((line) => line['rampart.sink']),
    ['child_process.execSync', 'better-sqlite3.prepare', 'fs.readFileSync', 'http.request'],
    'the first finding of each kind is reported',
  );
});

t.test('the configuration checker loads only when there is configuration to check', async (t) => {
  const probe = "process.stderr.write(String(Object.keys(require.cache).some((f) => f.replace(/\\\\/g, '/').endsWith('/dist/config/validate.js'))))";
  const bare = await runChild(['--require', 'rampart/register', '-e', probe], {});
  t.equal(bare.code, 0, bare.stderr);
  t.equal(bare.stderr.trim(), 'false', 'no rampart.json, RAMPART_* variable or start() options: not loaded');
  const configured = await runChild(['--require', 'rampart/register', '-e', probe], { RAMPART_MODE: 'monitor' });
  t.equal(configured.code, 0, configured.stderr);
  t.equal(configured.stderr.trim(), 'true', 'a RAMPART_* variable is checked');
  const wrong = await runChild(['--require', 'rampart/register', '-e', '0'], { RAMPART_MODE: 'blok' });
  t.not(wrong.code, 0, 'a wrong value still stops the start');
  t.match(wrong.stderr, /RAMPART_MODE/, 'naming the variable');
});
