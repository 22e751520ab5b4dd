// Findings through the real OpenTelemetry SDK (logs, traces, metrics) with in-memory
// exporters: event name, severity, every attribute, trace correlation, span annotation,
// and metrics, from real requests to a real HTTP server through the real guard.
import { context, logs, metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
} from '@opentelemetry/sdk-logs';
import { DataPointType, MeterProvider, MetricReader, type Histogram as HistogramPoint } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import t from 'tap';
import { currentContext } from '../../src/context/store';
import { start, stop, withInput } from '../../src/index';
import { ruleUuid } from '../../src/report/rules';
import { closeServer, listen, request } from '../helpers/http';
import { evilDetector, guardedServer, SINK } from './fixtures';
import { guardThrowing } from '../helpers/guard';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const spanExporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })] }));
const logExporter = new InMemoryLogRecordExporter();
/** Batched exporter that notes whether an export ran inside a rampart request context. */
const exportsInRequestContext: boolean[] = [];
const probeExporter: LogRecordExporter = {
  export(_records, done) {
    exportsInRequestContext.push(currentContext() !== undefined);
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};
logs.setGlobalLoggerProvider(
  new LoggerProvider({
    processors: [
      new SimpleLogRecordProcessor({ exporter: logExporter }),
      new BatchLogRecordProcessor({ exporter: probeExporter, scheduledDelayMillis: 1 }),
    ],
  }),
);

/** Pull reader: metrics are read when the test asks, no timers. */
class TestReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function restart(options: Parameters<typeof start>[0]): void {
  stop();
  start({ logLevel: 'silent', ...options });
  logExporter.reset();
  spanExporter.reset();
}
t.teardown(stop);

const attacks = () => logExporter.getFinishedLogRecords().filter((r) => r.eventName === 'rampart.attack');

const tracer = trace.getTracer('test-server');
const app = guardedServer(tracer);
let base = '';
t.before(async () => {
  restart({});
  base = await listen(app.server);
});
t.teardown(() => closeServer(app.server));

t.test('blocked: one ERROR event with every attribute, in the server span, and the span marked', async (t) => {
  restart({ mode: 'block' });
  const res = await request(`${base}/run?cmd=evil`, { headers: { 'user-agent': 'scanner/1.0', accept: 'application/json' } });
  t.equal(res.status, 403, 'blocked');
  t.equal(app.ran(), 0, 'the command never ran');
  const requestId = (res.json() as { requestId: string }).requestId;

  const records = attacks();
  t.equal(records.length, 1, 'exactly one event');
  const record = records[0]!;
  t.equal(record.eventName, 'rampart.attack');
  t.equal(record.severityNumber, 17, 'SeverityNumber.ERROR');
  t.equal(record.severityText, 'ERROR');
  t.equal(record.body, undefined, 'no body: the event is its name and attributes (events convention)');
  t.equal(record.instrumentationScope.name, 'rampart');

  const server = app.lastSpan()!;
  t.equal(record.spanContext?.traceId, server.traceId, 'trace id of the active server span');
  t.equal(record.spanContext?.spanId, server.spanId, 'span id of the active server span');

  const { 'code.stacktrace': stack, 'rampart.check.duration_ms': duration, ...rest } = record.attributes;
  t.same(rest, {
    'process.command_line': 'run ?',
    'process.executable.name': 'run',
    'security_rule.name': 'test.evil-word',
    'security_rule.category': 'injection/command',
    'security_rule.uuid': ruleUuid('test.evil-word'),
    'security_rule.version': '1',
    'security_rule.ruleset.name': 'rampart',
    'security_rule.description': 'input "evil" became a command word',
    'rampart.attack.kind': 'command_injection',
    'rampart.action': 'blocked',
    'rampart.sink': SINK,
    'rampart.input.source': 'query',
    'rampart.input.path': 'cmd',
    'rampart.input.value': 'evil',
    'rampart.request.id': requestId,
    'http.request.method': 'GET',
    'url.path': '/run',
    'client.address': '127.0.0.1',
    'network.peer.address': '127.0.0.1',
    'user_agent.original': 'scanner/1.0',
    'error.type': 'RampartBlockedError',
  });
  t.type(duration, 'number');
  t.ok((duration as number) >= 0);
  t.type(stack, 'string');
  // test/helpers/guard.ts stands in for a hook (a real hook's frames are rampart's and left out).
  t.match((stack as string).split('\n').find((line) => !line.includes('helpers/guard.ts')), /^ {4}at .*fixtures\.ts:\d+:\d+\)?$/, "V8's frame format, starting at the app frame that reached the sink");
  t.notMatch(stack, /src[/\\](guard|report)/, "rampart's own frames are left out");
  t.match(ruleUuid('test.evil-word'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  const spans = spanExporter.getFinishedSpans();
  t.equal(spans.length, 1);
  const span = spans[0]!;
  t.equal(span.spanContext().spanId, server.spanId);
  t.equal(span.status.code, SpanStatusCode.ERROR, 'blocked request marks the span as an error');
  t.same(
    {
      kind: span.attributes['rampart.attack.kind'],
      action: span.attributes['rampart.action'],
      sink: span.attributes['rampart.sink'],
      source: span.attributes['rampart.input.source'],
      path: span.attributes['rampart.input.path'],
      id: span.attributes['rampart.request.id'],
      rule: span.attributes['security_rule.name'],
    },
    { kind: 'command_injection', action: 'blocked', sink: SINK, source: 'query', path: 'cmd', id: requestId, rule: 'test.evil-word' },
  );
  t.equal(span.attributes['rampart.input.value'], undefined, 'the input value stays off the span');
});

t.test("the SDK's batch export runs outside the request context (it is rampart's own work)", async (t) => {
  restart({ mode: 'monitor' });
  exportsInRequestContext.length = 0;
  await request(`${base}/run?cmd=evil`);
  // The batch timer was started while emitting inside the request; wait for it to fire.
  for (let i = 0; i < 200 && exportsInRequestContext.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.same(exportsInRequestContext, [false], 'one export, with no request context: outbound hooks will not judge it');
});

t.test('monitored: WARN event, the call ran, span annotated without error status', async (t) => {
  restart({ mode: 'monitor' });
  const ran = app.ran();
  const res = await request(`${base}/run?cmd=evil`);
  t.equal(res.status, 200);
  t.equal(res.text, 'ran');
  t.equal(app.ran(), ran + 1, 'monitor mode never interferes');
  const records = attacks();
  t.equal(records.length, 1);
  t.equal(records[0]!.severityNumber, 13, 'SeverityNumber.WARN');
  t.equal(records[0]!.severityText, 'WARN');
  t.equal(records[0]!.attributes['rampart.action'], 'monitored');
  t.equal(records[0]!.attributes['error.type'], undefined, 'no error.type when nothing was blocked');
  t.equal(records[0]!.spanContext?.spanId, app.lastSpan()!.spanId);
  const span = spanExporter.getFinishedSpans()[0]!;
  t.equal(span.attributes['rampart.action'], 'monitored');
  t.equal(span.status.code, SpanStatusCode.UNSET);
});

t.test('benign input: no event, no span attributes, same result as without rampart', async (t) => {
  restart({ mode: 'block' });
  const res = await request(`${base}/run?cmd=hello`);
  t.equal(res.status, 200);
  t.equal(res.text, 'ran');
  t.equal(attacks().length, 0);
  const span = spanExporter.getFinishedSpans()[0]!;
  t.equal(span.attributes['rampart.action'], undefined);
});

t.test('credentials in the attacking input never leave the process', async (t) => {
  restart({ mode: 'block' });
  const sources: Array<Record<string, string>> = [{ 'x-api-key': 'evil' }, { cookie: 'session=evil' }, { authorization: 'evil' }];
  for (const headers of sources) {
    // The query value is `x evil`, so only the header/cookie input equals "evil".
    const res = await request(`${base}/run?cmd=x%20evil`, { headers });
    t.equal(res.status, 403, `blocked through ${Object.keys(headers)[0]}`);
  }
  const records = attacks();
  t.equal(records.length, 3);
  t.same(
    records.map((r) => [r.attributes['rampart.input.source'], r.attributes['rampart.input.path'], r.attributes['rampart.input.redacted']]),
    [
      ['headers', 'x-api-key', true],
      ['cookies', 'session', true],
      ['headers', 'authorization', true],
    ],
  );
  for (const r of records) t.equal(r.attributes['rampart.input.value'], undefined, 'no value for a secret input');
});

t.test('includeInputValue: false keeps every value out; maxValueLength truncates', async (t) => {
  restart({ mode: 'monitor', telemetry: { includeInputValue: false } });
  await request(`${base}/run?cmd=evil`);
  t.equal(attacks()[0]?.attributes['rampart.input.value'], undefined);
  t.equal(attacks()[0]?.attributes['rampart.input.path'], 'cmd', 'the input is still named');
  restart({ mode: 'monitor', telemetry: { maxValueLength: 2 } });
  await request(`${base}/run?cmd=evil`);
  t.equal(attacks()[0]?.attributes['rampart.input.value'], 'ev…');
});

t.test('outside HTTP (withInput): event without request attributes, in the caller span', async (t) => {
  restart({ mode: 'monitor' });
  await tracer.startActiveSpan('job', async (span) => {
    withInput({ source: 'custom', name: 'message.cmd', value: 'evil' }, () => guardThrowing(evilDetector, SINK, 'run evil'));
    const record = attacks()[0]!;
    t.equal(record.spanContext?.spanId, span.spanContext().spanId);
    t.equal(record.attributes['rampart.input.source'], 'custom');
    t.equal(record.attributes['rampart.input.path'], 'message.cmd');
    t.equal(record.attributes['http.request.method'], undefined);
    t.type(record.attributes['rampart.request.id'], 'string', 'a request id still correlates the event');
    span.end();
  });
});

t.test('metrics: resolved lazily, counted by kind/action/sink; check duration; internal errors; suppressed', async (t) => {
  restart({ mode: 'monitor' });
  await request(`${base}/run?cmd=evil`); // before any MeterProvider: goes nowhere
  const reader = new TestReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  restart({ mode: 'monitor', telemetry: { maxEventsPerSecond: 2 } });
  // Three findings within microseconds: two events, the third suppressed and counted.
  for (let i = 0; i < 3; i++) withInput({ name: 'cmd', value: 'evil' }, () => guardThrowing(evilDetector, SINK, 'run evil'));
  t.equal(attacks().length, 2);
  restart({ mode: 'block' });
  await request(`${base}/run?cmd=evil`);
  t.equal(attacks().length, 1, 'the blocked finding got its event');
  const buggy = { ...evilDetector, detect: () => { throw new Error('detector bug'); } };
  withInput({ name: 'x', value: 'evil' }, () => guardThrowing(buggy, SINK, 'run evil'));

  const { resourceMetrics, errors } = await reader.collect();
  t.same(errors, []);
  const all = resourceMetrics.scopeMetrics.filter((s) => s.scope.name === 'rampart').flatMap((s) => s.metrics);
  const byName = (name: string) => all.find((m) => m.descriptor.name === name);

  const findings = byName('rampart.findings')!;
  t.equal(findings.descriptor.unit, '{finding}');
  t.same(
    findings.dataPoints.map((p) => [p.attributes, p.value]),
    [
      [{ 'rampart.attack.kind': 'command_injection', 'rampart.action': 'monitored', 'rampart.sink': SINK, 'security_rule.name': 'test.evil-word', 'rampart.input.source': 'custom' }, 3],
      [{ 'rampart.attack.kind': 'command_injection', 'rampart.action': 'blocked', 'rampart.sink': SINK, 'security_rule.name': 'test.evil-word', 'rampart.input.source': 'query' }, 1],
    ],
    'the finding made before the SDK existed is not there; the later ones are',
  );

  const checks = byName('rampart.checks')!;
  t.equal(checks.descriptor.unit, '{check}');
  const shellChecks = () => checks.dataPoints.find((p) => p.attributes['rampart.sink.kind'] === 'shell')?.value as number;
  t.ok(shellChecks() >= 5, 'every check counted, the one before the SDK too (a process-wide total)');

  // One check in 16 is timed: any 16 checks in a row add exactly one duration.
  const shellDurations = async () => {
    const { resourceMetrics: now } = await reader.collect();
    const metric = now.scopeMetrics.flatMap((m) => m.metrics).find((m) => m.descriptor.name === 'rampart.check.duration');
    const point = metric?.dataPoints.find((p) => p.attributes['rampart.sink.kind'] === 'shell');
    const counted = now.scopeMetrics.flatMap((m) => m.metrics).find((m) => m.descriptor.name === 'rampart.checks');
    const total = counted?.dataPoints.find((p) => p.attributes['rampart.sink.kind'] === 'shell')?.value as number;
    return { metric, histogram: point?.value as HistogramPoint | undefined, total };
  };
  const before = await shellDurations();
  for (let i = 0; i < 16; i++) withInput({ name: 'cmd', value: 'evil' }, () => guardThrowing(evilDetector, SINK, 'run good'));
  const after = await shellDurations();
  t.equal(after.total - before.total, 16, 'sixteen checks counted');
  t.equal((after.histogram?.count ?? 0) - (before.histogram?.count ?? 0), 1, 'one of them timed');
  t.equal(after.metric?.dataPointType, DataPointType.HISTOGRAM);
  t.equal(after.metric?.descriptor.unit, 's');
  t.equal(after.histogram?.buckets.boundaries[0], 1e-6, 'microsecond buckets');

  t.same(byName('rampart.internal_errors')!.dataPoints.map((p) => [p.attributes, p.value]), [[{ 'rampart.where': `guard:${SINK}` }, 1]]);
  t.same(byName('rampart.events.suppressed')!.dataPoints.map((p) => [p.attributes, p.value]), [[{ 'rampart.attack.kind': 'command_injection' }, 1]]);
});
