'use strict';
// Cost of reporting one finding (src/report), against the built dist/ (`npm run build`):
//   1. with no OpenTelemetry SDK registered (the API is a no-op; pino silent or to /dev/null),
//   2. with the SDK: LoggerProvider + BatchLogRecordProcessor, MeterProvider, a recording
//      span active (exporters do nothing, so the figures are rampart's + the SDK's work),
//   3. under a flood of 10,000 findings per second for 2 seconds, default flood limits.
// Prints markdown tables. Usage: node benchmarks/report.js [--quick]
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const api = require('@opentelemetry/api');
const pino = require('pino');
const { Bench } = require('tinybench');
const { DEFAULT_CONFIG } = require('../dist/config/defaults');
const { findingFrom } = require('../dist/report/finding');
const { Reporter } = require('../dist/report/reporter');

const quick = process.argv.includes('--quick');
const TIME_MS = quick ? 200 : 1000;

function config(maxEventsPerSecond) {
  return { ...DEFAULT_CONFIG, telemetry: { ...DEFAULT_CONFIG.telemetry, maxEventsPerSecond } };
}

/** A blocked SQL injection with everything a real one carries. */
const finding = findingFrom(
  {
    kind: 'sql_injection',
    input: { source: 'query', path: 'name', value: "' OR '1'='1" },
    rule: 'sqli.token-boundary',
    reason: 'User input spans several SQL tokens, so it adds code to the query.',
  },
  'blocked',
  'better-sqlite3.prepare',
  { 'db.system.name': 'sqlite', 'db.query.text': 'SELECT id, name, email FROM users WHERE name = ? OR ?=?' },
  {
    requestId: '1a5f312a-4f04-4bdc-ba93-b0adad2d09ba',
    method: 'GET',
    path: '/users',
    clientAddress: '127.0.0.1',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
  },
  0.012,
  'at /srv/app/routes/users.js:23:15\nat Layer.handleRequest (/srv/app/node_modules/router/lib/layer.js:169:33)',
);

const silentLogger = () => pino({ level: 'silent' });
const devNullLogger = () => pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
/** No flood limit, so every iteration takes the full reporting path. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

function fmtNs(ns) {
  return ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${Math.round(ns)} ns`;
}

function table(rows) {
  const keys = Object.keys(rows[0]);
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(keys), line(keys.map(() => '---')), ...rows.map((r) => line(keys.map((k) => String(r[k]))))].join('\n');
}

/** cases: [{ name, fn }] run inside `ctx` -> rows with median and p99 per call. */
async function measure(cases, ctx) {
  const bench = new Bench({ time: TIME_MS, warmupTime: Math.min(200, TIME_MS) });
  const BATCH = 20; // sub-microsecond calls are timed in batches; figures are per call
  for (const c of cases) {
    bench.add(c.name, () =>
      api.context.with(ctx, () => {
        for (let i = 0; i < BATCH; i++) c.fn();
      }),
    );
  }
  await bench.run();
  return bench.tasks.map((task) => ({
    case: task.name,
    'median / finding': fmtNs((task.result.latency.p50 * 1e6) / BATCH),
    'p99 / finding': fmtNs((task.result.latency.p99 * 1e6) / BATCH),
    'findings / s': Math.round((BATCH * 1000) / task.result.latency.mean).toLocaleString('en-US'),
  }));
}

async function withoutSdk() {
  const silent = new Reporter(config(UNLIMITED), silentLogger());
  const devNull = new Reporter(config(UNLIMITED), devNullLogger());
  const suppressed = new Reporter(config(1), silentLogger());
  suppressed.report(finding); // uses the one event of this window; every later call is suppressed
  const rows = await measure(
    [
      { name: 'no SDK, pino silent', fn: () => silent.report(finding) },
      { name: 'no SDK, pino → /dev/null (async)', fn: () => devNull.report(finding) },
      { name: 'no SDK, beyond the flood limit', fn: () => suppressed.report(finding) },
    ],
    api.ROOT_CONTEXT,
  );
  for (const r of [silent, devNull, suppressed]) r.close(); // no summary timer left to fire later
  return rows;
}

/** Registers the real SDK for all three signals; exporters only count what they get. */
function registerSdk() {
  // The SDK 3.x lives in the otel-sdk3 test fixture (it needs Node >= 22.15; see
  // test/helpers/otel-sdk-packages.cjs), installed by scripts/install-test-fixtures.js.
  const sdkRequire = require('node:module').createRequire(join(__dirname, '..', 'test', 'fixtures', 'otel-sdk3', 'package.json'));
  const { AsyncLocalStorageContextManager } = sdkRequire('@opentelemetry/context-async-hooks');
  const { BatchLogRecordProcessor, LoggerProvider } = sdkRequire('@opentelemetry/sdk-logs');
  const { MeterProvider, MetricReader } = sdkRequire('@opentelemetry/sdk-metrics');
  const { TracerProvider } = sdkRequire('@opentelemetry/sdk-trace');
  const exported = { attacks: 0, summaries: 0 };
  const logExporter = {
    export(records, done) {
      for (const r of records) {
        if (r.eventName === 'rampart.attack') exported.attacks++;
        else if (r.eventName === 'rampart.attack.suppressed') exported.summaries++;
      }
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
  class PullReader extends MetricReader {
    onForceFlush() {
      return Promise.resolve();
    }
    onShutdown() {
      return Promise.resolve();
    }
  }
  const reader = new PullReader();
  const loggerProvider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter: logExporter })] });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.logs.setGlobalLoggerProvider(loggerProvider);
  api.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  api.trace.setGlobalTracerProvider(new TracerProvider());
  const span = api.trace.getTracer('bench').startSpan('GET /users', { kind: api.SpanKind.SERVER });
  return { exported, reader, loggerProvider, ctx: api.trace.setSpan(api.ROOT_CONTEXT, span) };
}

async function withSdk(sdk) {
  const silent = new Reporter(config(UNLIMITED), silentLogger());
  const devNull = new Reporter(config(UNLIMITED), devNullLogger());
  const suppressed = new Reporter(config(1), silentLogger());
  suppressed.report(finding);
  const rows = await measure(
    [
      { name: 'SDK + BatchLogRecordProcessor, pino silent', fn: () => silent.report(finding) },
      { name: 'SDK + BatchLogRecordProcessor, pino → /dev/null', fn: () => devNull.report(finding) },
      { name: 'SDK, beyond the flood limit', fn: () => suppressed.report(finding) },
    ],
    sdk.ctx,
  );
  for (const r of [silent, devNull, suppressed]) r.close();
  return rows;
}

async function suppressedCount(reader) {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'rampart.events.suppressed');
  return (metric?.dataPoints ?? []).reduce((sum, p) => sum + p.value, 0);
}

/** 10,000 findings per second (100 every 10 ms) for 2 s, default limits, SDK + pino to a file. */
async function flood(sdk) {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-'));
  const file = join(dir, 'rampart.log');
  const logger = pino({ level: 'info' }, pino.destination({ dest: file, sync: false }));
  const reporter = new Reporter(config(DEFAULT_CONFIG.telemetry.maxEventsPerSecond), logger);
  await sdk.loggerProvider.forceFlush();
  const exportedBefore = { ...sdk.exported };
  const suppressedBefore = await suppressedCount(sdk.reader);
  const perTick = 100;
  const ticks = 200;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  delay.enable();
  const started = performance.now();
  await new Promise((resolve) => {
    let tick = 0;
    const timer = setInterval(() => {
      api.context.with(sdk.ctx, () => {
        for (let i = 0; i < perTick; i++) reporter.report(finding);
      });
      if (++tick === ticks) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const wallMs = performance.now() - started;
  delay.disable();
  const cpu = process.cpuUsage(cpuBefore);
  reporter.close();
  await sdk.loggerProvider.forceFlush();
  await new Promise((resolve) => logger.flush(resolve));
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  rmSync(dir, { recursive: true, force: true });
  const total = perTick * ticks;
  return [
    { measure: 'findings reported', value: total.toLocaleString('en-US') },
    { measure: 'wall time', value: `${Math.round(wallMs)} ms` },
    { measure: 'offered rate', value: `${Math.round((total * 1000) / wallMs).toLocaleString('en-US')} / s` },
    { measure: 'OTel rampart.attack events exported', value: sdk.exported.attacks - exportedBefore.attacks },
    { measure: 'OTel rampart.attack.suppressed events', value: sdk.exported.summaries - exportedBefore.summaries },
    { measure: 'pino attack lines', value: lines.filter((l) => l.event === 'rampart.attack').length },
    { measure: 'pino suppression summaries', value: lines.filter((l) => l.event === 'rampart.attack.suppressed').length },
    { measure: 'suppressed (metric)', value: ((await suppressedCount(sdk.reader)) - suppressedBefore).toLocaleString('en-US') },
    { measure: 'CPU per finding', value: fmtNs(((cpu.user + cpu.system) * 1000) / total) },
    { measure: 'CPU share of one core', value: `${(((cpu.user + cpu.system) / 1000 / wallMs) * 100).toFixed(1)} %` },
    { measure: 'event-loop delay p99', value: `${(delay.percentile(99) / 1e6).toFixed(2)} ms` },
    { measure: 'heap growth', value: `${((heapAfter - heapBefore) / 1024).toFixed(0)} KiB${global.gc ? '' : ' (run with --expose-gc for a settled figure)'}` },
  ];
}

async function main() {
  console.log(`# Reporting benchmark\n\nNode ${process.version}, ${require('node:os').cpus()[0].model}${quick ? ' (quick)' : ''}\n`);
  const noSdk = await withoutSdk();
  const sdk = registerSdk();
  const rows = noSdk.concat(await withSdk(sdk));
  console.log('## Cost of reporting one finding\n');
  console.log(table(rows));
  console.log('\n## Flood: 10,000 findings per second for 2 s (maxEventsPerSecond 100)\n');
  console.log(table(await flood(sdk)));
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
