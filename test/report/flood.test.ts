// Flood control: 10,000 findings in a tight loop (an attack scan) produce a bounded number
// of pino lines and OTel events, a summary of what was suppressed, bounded memory, and
// every single block still happens.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { logs, metrics } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../src/index';
import { EventRateLimiter } from '../../src/report/flood';
import { evilDetector, SINK } from './fixtures';
import { guardThrowing } from '../helpers/guard';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const exporter = new InMemoryLogRecordExporter();
logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] }));
class TestReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
const reader = new TestReader();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

const N = 10_000;
const PER_SECOND = 50;
const dir = mkdtempSync(join(tmpdir(), 'rampart-flood-'));
t.teardown(stop);

function events(name: string) {
  return exporter.getFinishedLogRecords().filter((r) => r.eventName === name);
}

async function counter(name: string): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []).reduce((sum, p) => sum + (p.value as number), 0);
}

/** Lines of an async pino file once `done` holds for them (bounded wait, not a timing check). */
async function linesWhen(file: string, done: (lines: Array<Record<string, unknown>>) => boolean): Promise<Array<Record<string, unknown>>> {
  let lines: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 250; i++) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // not created yet
    }
    lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    if (done(lines)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return lines;
}

/** Upper bound of events the limiter can admit over `elapsedMs` (one window per second). */
const bound = (elapsedMs: number) => PER_SECOND * (Math.floor(elapsedMs / 1000) + 1);

t.test('monitor flood: bounded events and pino lines, suppressed counted and summarised, memory bounded', async (t) => {
  // A process's first finding loads the reporting code (pino, the OpenTelemetry bridge, the
  // attribute renderer; docs/performance.md, "Start-up"). Loaded here, in a run of its own,
  // so the heap figure below is what the flood keeps, not that one-time load.
  start({ mode: 'monitor', logLevel: 'warn', logDestination: join(dir, 'warm-up.log') });
  withInput({ name: 'cmd', value: 'evil' }, () => guardThrowing(evilDetector, SINK, 'run evil'));
  stop();
  exporter.reset();
  const logFile = join(dir, 'monitor.log');
  start({ mode: 'monitor', logLevel: 'warn', logDestination: logFile, telemetry: { maxEventsPerSecond: PER_SECOND } });
  const run = () => {
    // One unit of work hammering a sink (inputs collected once), as a scan of one endpoint would.
    withInput({ name: 'cmd', value: 'evil' }, () => {
      for (let i = 0; i < N; i++) guardThrowing(evilDetector, SINK, 'run evil');
    });
  };
  const findingsBefore = await counter('rampart.findings');
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = Date.now();
  run();
  const elapsed = Date.now() - started;
  gc();
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

  const emitted = events('rampart.attack').length;
  t.ok(emitted >= PER_SECOND, `the first window is used in full (${emitted})`);
  t.ok(emitted <= bound(elapsed), `events bounded by the rate limit: ${emitted} <= ${bound(elapsed)} over ${elapsed} ms`);
  t.equal((await counter('rampart.findings')) - findingsBefore, N, 'every finding is counted in metrics');
  const suppressed = await counter('rampart.events.suppressed');
  t.equal(suppressed, N - emitted, 'every finding without an event is counted as suppressed');
  t.ok(heapGrowth < 4 * 1024 * 1024, `heap grew ${(heapGrowth / 1024).toFixed(0)} KiB for ${N} findings`);

  stop(); // writes the pending summary and flushes pino
  const summaries = events('rampart.attack.suppressed');
  t.equal(
    summaries.reduce((sum, r) => sum + (r.attributes['rampart.suppressed.count'] as number), 0),
    suppressed,
    'OTel summary events account for every suppressed finding',
  );
  t.same(summaries[0]?.attributes['rampart.attack.kind'], 'command_injection');

  const lines = await linesWhen(logFile, (ls) => ls.some((l) => l.event === 'rampart.attack.suppressed'));
  const attackLines = lines.filter((l) => l.event === 'rampart.attack');
  t.equal(attackLines.length, emitted, 'one pino line per emitted event, no more');
  const summaryLines = lines.filter((l) => l.event === 'rampart.attack.suppressed');
  t.equal(
    summaryLines.reduce((sum, l) => sum + (l['rampart.suppressed.count'] as number), 0),
    suppressed,
    'pino summary lines account for every suppressed finding',
  );
  t.equal(summaryLines[0]?.level, 'warn');
});

t.test('block flood: every one of 2,000 calls is blocked; only the events are limited', async (t) => {
  exporter.reset();
  start({ mode: 'block', logLevel: 'warn', logDestination: join(dir, 'block.log'), telemetry: { maxEventsPerSecond: PER_SECOND } });
  const calls = 2_000; // 40 times the limit; each block builds an error, so fewer than N keep the test fast
  let blocked = 0;
  let ran = 0;
  const started = Date.now();
  for (let i = 0; i < calls; i++) {
    try {
      withInput({ name: 'cmd', value: 'evil' }, () => guardThrowing(evilDetector, SINK, 'run evil'));
      ran++;
    } catch (error) {
      if (error instanceof RampartBlockedError) blocked++;
    }
  }
  const elapsed = Date.now() - started;
  t.equal(blocked, calls, 'flood control never drops a block');
  t.equal(ran, 0);
  const emitted = events('rampart.attack').length;
  t.ok(emitted <= bound(elapsed), `events bounded: ${emitted} <= ${bound(elapsed)}`);
  t.ok(events('rampart.attack').every((r) => r.severityText === 'ERROR'));
  stop();
});

t.test('limiter: per kind, per one-second window, counts what it drops', async (t) => {
  const limiter = new EventRateLimiter(2);
  const admitted = [0, 1, 2, 3].map(() => limiter.admit('ssrf', 10_000));
  t.same(admitted, [true, true, false, false]);
  t.ok(limiter.admit('sql_injection', 10_500), 'another kind has its own budget');
  t.notOk(limiter.admit('ssrf', 10_999), 'same window');
  t.ok(limiter.admit('ssrf', 11_000), 'next window');
  t.ok(limiter.hasDropped);
  t.same(limiter.takeDropped(), [['ssrf', 3]]);
  t.same(limiter.takeDropped(), [], 'cleared once taken');
  t.notOk(limiter.hasDropped);
});
