// End to end over the wire: the real OTLP/HTTP exporters (logs as JSON and as protobuf,
// traces and metrics as JSON) send to a receiver on 127.0.0.1, which decodes what
// arrives. The finding must survive export intact and stay correlated with its span.
import { context, logs, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen, request } from '../helpers/http';
import { guardedServer, SINK } from './fixtures';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver';

start({ mode: 'block', logLevel: 'silent' });
t.teardown(stop);

let receiver: OtlpReceiver;
let providers: { logs: LoggerProvider; traces: TracerProvider; metrics: MeterProvider };

t.before(async () => {
  receiver = await startOtlpReceiver();
  const resource = resourceFromAttributes({ 'service.name': 'rampart-otlp-test' });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  providers = {
    // Registered after rampart started: everything is resolved at use, so this works.
    logs: new LoggerProvider({
      resource,
      processors: [
        new BatchLogRecordProcessor({ exporter: new JsonLogExporter({ url: `${receiver.url}/json/v1/logs` }) }),
        new BatchLogRecordProcessor({ exporter: new ProtoLogExporter({ url: `${receiver.url}/proto/v1/logs` }) }),
      ],
    }),
    traces: new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` }) })] }),
    metrics: new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` }), exportIntervalMillis: 60_000 })],
    }),
  };
  logs.setGlobalLoggerProvider(providers.logs);
  trace.setGlobalTracerProvider(providers.traces);
  metrics.setGlobalMeterProvider(providers.metrics);
});
t.teardown(async () => {
  await Promise.all([providers.logs.shutdown(), providers.traces.shutdown(), providers.metrics.shutdown()]);
  await receiver.close();
});

t.test('a blocked attack arrives as JSON and protobuf log records, a marked span, and metrics', async (t) => {
  const app = guardedServer(trace.getTracer('test-server'));
  const base = await listen(app.server);
  t.teardown(() => closeServer(app.server));
  const res = await request(`${base}/run?cmd=evil`, { headers: { 'user-agent': 'otlp-test' } });
  t.equal(res.status, 403);
  t.equal(app.ran(), 0, 'the command never ran');
  const span = app.lastSpan()!;
  const benign = await request(`${base}/run?cmd=ls`);
  t.equal(benign.text, 'ran', 'benign call unaffected');
  await Promise.all([providers.logs.forceFlush(), providers.traces.forceFlush(), providers.metrics.forceFlush()]);

  const attacks = receiver.logs.filter((l) => l.eventName === 'rampart.attack');
  t.same(attacks.map((l) => l.encoding).sort(), ['json', 'protobuf'], 'one record per encoding, nothing else');
  const byEncoding = Object.fromEntries(attacks.map((l) => [l.encoding, l]));
  for (const record of attacks) {
    t.equal(record.scope, 'rampart', `${record.encoding}: scope`);
    t.equal(record.severityNumber, 17, `${record.encoding}: ERROR`);
    t.equal(record.severityText, 'ERROR');
    t.equal(record.body, undefined, 'no body (events convention)');
    t.equal(record.attributes['rampart.attack.kind'], 'command_injection');
    t.equal(record.attributes['rampart.sink'], SINK);
    t.equal(record.attributes['rampart.input.value'], 'evil');
    t.equal(record.attributes['user_agent.original'], 'otlp-test');
    t.type(record.attributes['rampart.check.duration_ms'], 'number', `${record.encoding}: double survives`);
    t.equal(record.traceId, span.traceId, `${record.encoding}: trace id of the server span`);
    t.equal(record.spanId, span.spanId, `${record.encoding}: span id of the server span`);
  }
  t.same(byEncoding.json!.attributes, byEncoding.protobuf!.attributes, 'both encodings carry the same attributes');
  const protoBody = receiver.raw.find((r) => r.path === '/proto/v1/logs')!;
  t.equal(protoBody.contentType, 'application/x-protobuf');
  t.ok(protoBody.body.includes(Buffer.from('rampart.attack')), 'event name in the protobuf bytes');
  t.equal(receiver.raw.find((r) => r.path === '/json/v1/logs')!.contentType, 'application/json');

  const exported = receiver.spans.filter((s) => s.spanId === span.spanId);
  t.equal(exported.length, 1);
  t.equal(exported[0]!.statusCode, 2, 'STATUS_CODE_ERROR');
  t.equal(exported[0]!.attributes['rampart.action'], 'blocked');
  t.equal(exported[0]!.attributes['rampart.request.id'], (res.json() as { requestId: string }).requestId);

  const findings = receiver.points.filter((p) => p.metric === 'rampart.findings');
  t.same(
    findings.map((p) => [p.attributes, p.value]),
    [[{ 'rampart.attack.kind': 'command_injection', 'rampart.action': 'blocked', 'rampart.sink': SINK, 'security_rule.name': 'test.evil-word', 'rampart.input.source': 'query' }, 1]],
  );
  // Other hooks (the exporters' own HTTP calls) may add points of other sink kinds.
  const checks = receiver.points.filter((p) => p.metric === 'rampart.checks' && p.attributes['rampart.sink.kind'] === 'shell');
  t.same(
    checks.map((p) => [p.attributes, p.value]),
    [[{ 'rampart.sink.kind': 'shell' }, 2]],
    'both checks counted (attack and benign)',
  );
  const durations = receiver.points.filter((p) => p.metric === 'rampart.check.duration' && p.attributes['rampart.sink.kind'] === 'shell');
  t.same(
    durations.map((p) => [p.attributes, p.value]),
    [[{ 'rampart.sink.kind': 'shell' }, 1]],
    "the family's first check timed (one in 16 is)",
  );
});
