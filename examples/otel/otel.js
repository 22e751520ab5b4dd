// OpenTelemetry SDK for the example: traces, logs and metrics exported over OTLP/HTTP.
// Load it before the app:  node --require ./examples/otel/otel.js --require rampart/register examples/otel/app.js
// rampart only uses the OpenTelemetry API and looks the providers up when it reports, so
// the order of the two --require flags does not matter.
//
// Standard environment variables are honoured:
//   OTEL_EXPORTER_OTLP_ENDPOINT         base URL, default http://localhost:4318 (/v1/traces, /v1/logs, /v1/metrics appended)
//   OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT full URL for one signal (TRACES, LOGS, METRICS)
//   OTEL_EXPORTER_OTLP_HEADERS          e.g. "Authorization=Basic abc..." for a hosted backend
//   OTEL_EXPORTER_OTLP_LOGS_PROTOCOL    http/protobuf (default) or http/json
//   OTEL_TRACES_EXPORTER / OTEL_LOGS_EXPORTER / OTEL_METRICS_EXPORTER   "none" turns a signal off
//   OTEL_SERVICE_NAME                   default rampart-otel-example
//   OTEL_METRIC_EXPORT_INTERVAL         milliseconds, default 10000 here (60000 in the spec)
'use strict';
const { context, logs, metrics, propagation, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { defaultResource, resourceFromAttributes } = require('@opentelemetry/resources');
const { BatchLogRecordProcessor, LoggerProvider } = require('@opentelemetry/sdk-logs');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');

const env = process.env;
const enabled = (signal) => (env[`OTEL_${signal}_EXPORTER`] || 'otlp') !== 'none';

const resource = defaultResource().merge(
  resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || 'rampart-otel-example' }),
);

// Keeps the active span (and so trace ids) across awaits and callbacks.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const providers = [];

if (enabled('TRACES')) {
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
  const tracerProvider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })] });
  trace.setGlobalTracerProvider(tracerProvider);
  providers.push(tracerProvider);
}

if (enabled('LOGS')) {
  const protocol = env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
  const { OTLPLogExporter } =
    protocol === 'http/json' ? require('@opentelemetry/exporter-logs-otlp-http') : require('@opentelemetry/exporter-logs-otlp-proto');
  const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })] });
  logs.setGlobalLoggerProvider(loggerProvider);
  providers.push(loggerProvider);
}

if (enabled('METRICS')) {
  const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-http');
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: Number(env.OTEL_METRIC_EXPORT_INTERVAL) || 10_000,
      }),
    ],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  providers.push(meterProvider);
}

// Flush what is still batched before the process goes away. `on`, not `once`: a library
// using signal-exit re-raises the signal when no other listener is left, which would cut
// the flush short.
let shuttingDown = false;
function shutdown() {
  if (shuttingDown) return;
  shuttingDown = true;
  Promise.allSettled(providers.map((p) => p.shutdown())).finally(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
