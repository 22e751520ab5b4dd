// The pino line of a finding: same fields as the OTel event plus trace ids, written
// asynchronously to the configured destination, at the configured level.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, logs, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import t from 'tap';
import { DEFAULT_CONFIG } from '../../src/config/defaults';
import { guardSink } from '../../src/guard';
import { RampartBlockedError, start, stop, withInput } from '../../src/index';
import { createLogger } from '../../src/report/logger';
import { evilDetector, SINK } from './fixtures';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new TracerProvider());
const exporter = new InMemoryLogRecordExporter();
logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] }));
const dir = mkdtempSync(join(tmpdir(), 'rampart-pino-'));
t.teardown(stop);

/** Lines of the async log file once `count` lines are there (bounded wait). */
async function lines(file: string, count: number): Promise<Array<Record<string, unknown>>> {
  let out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 250 && out.length < count; i++) {
    await new Promise((r) => setTimeout(r, 20));
    try {
      out = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    } catch {
      // not created yet
    }
  }
  return out;
}

function attack(mode: 'block' | 'monitor'): { traceId: string; spanId: string } {
  return trace.getTracer('test').startActiveSpan('job', (span) => {
    try {
      withInput({ name: 'cmd', value: 'evil' }, () => guardSink(evilDetector, SINK, 'run evil'));
    } catch (error) {
      if (!(error instanceof RampartBlockedError) || mode !== 'block') throw error;
    } finally {
      span.end();
    }
    return span.spanContext();
  });
}

t.test('one line per finding with exactly the event attributes, plus trace and span ids', async (t) => {
  const file = join(dir, 'findings.log');
  start({ mode: 'monitor', logLevel: 'info', logDestination: file });
  exporter.reset();
  const span = attack('monitor');
  stop();
  const all = await lines(file, 2); // rampart.started + the finding
  const found = all.filter((l) => l.event === 'rampart.attack');
  t.equal(found.length, 1);
  const { level, time, pid, name, msg, event, trace_id, span_id, ...fields } = found[0]!;
  t.same(fields, exporter.getFinishedLogRecords()[0]!.attributes, 'same fields as the OTel event');
  t.same(
    { level, name, pid, msg, event, trace_id, span_id },
    { level: 'warn', name: 'rampart', pid: process.pid, msg: `rampart monitored command_injection at ${SINK}`, event: 'rampart.attack', trace_id: span.traceId, span_id: span.spanId },
  );
  t.match(time, /^\d{4}-\d\d-\d\dT/, 'ISO time');
});

t.test('logLevel filters findings: at "error" only blocked findings are written', async (t) => {
  const file = join(dir, 'errors-only.log');
  start({ mode: 'monitor', logLevel: 'error', logDestination: file });
  attack('monitor');
  stop();
  start({ mode: 'block', logLevel: 'error', logDestination: file });
  attack('block');
  stop();
  const found = (await lines(file, 1)).filter((l) => l.event === 'rampart.attack');
  t.same(found.map((l) => [l.level, l['rampart.action']]), [['error', 'blocked']]);
});

t.test('default destination is stdout, asynchronous; a broken destination does not crash the app', async (t) => {
  const logger = createLogger(DEFAULT_CONFIG);
  const stream = (logger.pino as unknown as Record<symbol, { fd: number; sync: boolean; emit(e: string, err: Error): boolean }>)[pino.symbols.streamSym]!;
  t.equal(stream.fd, 1, 'stdout');
  t.equal(stream.sync, false, 'async writes');
  t.doesNotThrow(() => stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })), 'stream error is absorbed');
});
