// The standard OpenTelemetry setup for a Node app: @opentelemetry/sdk-node with
// @opentelemetry/auto-instrumentations-node (http, express, pino, pg, ... on by default),
// OTLP exporters for traces, logs and metrics, configured by the OTEL_* variables.
// Load it before the app:
//   node --require ./examples/otel/otel.js --require rampart/register examples/otel/app.js
// rampart only uses the app's @opentelemetry/api and looks the providers up when it
// reports, so the order of the two --require flags does not matter.
//
// Variables (all standard):
//   OTEL_EXPORTER_OTLP_ENDPOINT     base URL, default http://localhost:4318 (/v1/traces, /v1/logs, /v1/metrics appended)
//   OTEL_EXPORTER_OTLP_PROTOCOL     http/protobuf (default) or http/json
//   OTEL_EXPORTER_OTLP_HEADERS      e.g. "Authorization=Basic abc..." for a hosted backend
//   OTEL_TRACES_EXPORTER / OTEL_LOGS_EXPORTER / OTEL_METRICS_EXPORTER   otlp (set here when unset) or none
//   OTEL_SERVICE_NAME               default rampart-otel-example
//   OTEL_METRIC_EXPORT_INTERVAL     milliseconds, default 60000
'use strict';
const env = process.env;
env.OTEL_SERVICE_NAME ??= 'rampart-otel-example';
env.OTEL_METRICS_EXPORTER ??= 'otlp';
env.OTEL_LOGS_EXPORTER ??= 'otlp';

const { NodeSDK } = require('@opentelemetry/sdk-node');
const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');

const sdk = new NodeSDK({
  instrumentations: [
    getNodeAutoInstrumentations({
      // File-system spans are off by default too; they would be one span per fs call.
      '@opentelemetry/instrumentation-fs': { enabled: false },
    }),
  ],
});
sdk.start();

// Flush what is still batched before the process goes away. `on`, not `once`: a library
// using signal-exit re-raises the signal when no other listener is left, which would cut
// the flush short.
let shuttingDown = false;
function shutdown() {
  if (shuttingDown) return;
  shuttingDown = true;
  sdk.shutdown().finally(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
