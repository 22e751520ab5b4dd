// "No SDK means no cost beyond a check": until the app registers an OpenTelemetry SDK, a
// finding builds no LogRecord and no attribute map for OTel. Shown by behaviour: the
// attribute callback is never called and the sink's attributes are never even read.
import { logs } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import t from 'tap';
import { guardSink, type SinkDetector } from '../../src/guard';
import { start, stop, withInput } from '../../src/index';
import { findingFrom } from '../../src/report/finding';
import { annotateSpans, emitFindingEvent } from '../../src/report/otel';
import { evilDetector, SINK } from './fixtures';

start({ mode: 'monitor', logLevel: 'silent' });
t.teardown(stop);

/** A detector whose sink attributes count how often anything reads them. */
let reads = 0;
const countingDetector: SinkDetector<string> = {
  ...evilDetector,
  describe: () =>
    Object.defineProperty({}, 'process.command_line', {
      enumerable: true,
      get: () => {
        reads++;
        return 'run ?';
      },
    }),
};

const finding = findingFrom(
  { kind: 'sql_injection', input: { source: 'query', path: 'q', value: "' OR 1=1" }, rule: 'r', reason: 'why' },
  'blocked',
  'test.sink',
  {},
  undefined,
  0.01,
  undefined,
);

t.test('no SDK: emitFindingEvent returns at the enabled() check, before building anything', async (t) => {
  let built = 0;
  const emitted = emitFindingEvent(finding, () => {
    built++;
    return {};
  });
  t.equal(emitted, false, 'nothing emitted');
  t.equal(built, 0, 'attributes never built');
  t.equal(annotateSpans(finding), 0, 'no recording span, nothing set');
});

t.test('no SDK and pino silent: a finding through the guard never renders its attributes', async (t) => {
  reads = 0;
  for (let i = 0; i < 20; i++) {
    t.doesNotThrow(() => withInput({ name: 'cmd', value: 'evil' }, () => guardSink(countingDetector, SINK, 'run evil')));
  }
  t.equal(reads, 0, 'sink attributes were never read');
});

t.test('once the app registers an SDK, the same call emits one event and renders once', async (t) => {
  const exporter = new InMemoryLogRecordExporter();
  logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] }));
  t.teardown(() => logs.disable());
  stop();
  start({ mode: 'monitor', logLevel: 'silent' }); // a fresh flood-control window
  reads = 0;
  withInput({ name: 'cmd', value: 'evil' }, () => guardSink(countingDetector, SINK, 'run evil'));
  t.equal(reads, 1, 'rendered exactly once');
  const records = exporter.getFinishedLogRecords();
  t.equal(records.length, 1);
  t.equal(records[0]!.eventName, 'rampart.attack');
  t.equal(records[0]!.attributes['process.command_line'], 'run ?');

  let built = 0;
  t.equal(
    emitFindingEvent(finding, () => {
      built++;
      return { 'rampart.attack.kind': 'sql_injection' };
    }),
    true,
  );
  t.equal(built, 1);
});

t.test('after the SDK is removed again, back to the early return', async (t) => {
  let built = 0;
  t.equal(emitFindingEvent(finding, () => (built++, {})), false);
  t.equal(built, 0);
});
