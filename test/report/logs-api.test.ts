// Resolution of the Logs API at run time: @opentelemetry/api >= 1.10 first, then
// @opentelemetry/api-logs for apps on an older API, and safe when neither has `logs`.
// The loader stands in for `require`; behind it sit the real API and a real SDK provider.
import * as api from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import t from 'tap';
import { start, stop } from '../../src/index';
import { findingFrom } from '../../src/report/finding';
import { LogsResolver, type ModuleLoader } from '../../src/report/logs-api';
import { emitFindingEvent, useLogsLoader } from '../../src/report/otel-logs';

start({ logLevel: 'silent' });
t.teardown(stop);

const WARN = { severityNumber: 13, eventName: 'rampart.attack' };

function sdk(): { exporter: InMemoryLogRecordExporter; provider: LoggerProvider } {
  const exporter = new InMemoryLogRecordExporter();
  return { exporter, provider: new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] }) };
}

/** What an app with @opentelemetry/api-logs and a registered SDK exposes. */
function apiLogsModule(provider: { getLogger(name: string, version?: string): unknown }): unknown {
  return { logs: { getLoggerProvider: () => provider } };
}

function loader(modules: Record<string, unknown>): ModuleLoader & { calls: string[] } {
  const calls: string[] = [];
  const load = (id: string): unknown => {
    calls.push(id);
    if (!(id in modules)) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    return modules[id];
  };
  return Object.assign(load, { calls });
}

const finding = findingFrom(
  { kind: 'ssrf', input: { source: 'body', path: 'url', value: 'http://169.254.169.254/' }, rule: 'ssrf.metadata', reason: 'metadata address' },
  'monitored',
  'http.request',
  { 'url.full': 'http://169.254.169.254/latest' },
  undefined,
  0.02,
  undefined,
);

t.test('@opentelemetry/api >= 1.10: its `logs` is used; asked at each use, logger cached per provider', async (t) => {
  const load = loader({ '@opentelemetry/api': api });
  const resolver = new LogsResolver(load, 'rampart', '0.0.0');
  t.equal(resolver.loggerFor(WARN), undefined, 'no SDK registered: no logger, nothing to build');
  t.equal(resolver.loggerFor(WARN), undefined);
  t.same(load.calls.slice(0, 2), ['@opentelemetry/api', '@opentelemetry/api-logs'], 'the API first, then api-logs');
  t.ok(load.calls.slice(2).every((id) => id === '@opentelemetry/api'), 'then only the module found is asked again (the copy in use can change when the SDK registers)');
  t.equal(resolver.apiCount, 1);

  const { exporter, provider } = sdk();
  api.logs.setGlobalLoggerProvider(provider);
  t.teardown(() => api.logs.disable());
  const logger = resolver.loggerFor(WARN);
  t.ok(logger, 'SDK registered after start: picked up');
  t.equal(resolver.loggerFor(WARN), logger, 'same logger while the provider stays');
  logger!.emit({ eventName: 'rampart.attack', severityNumber: 13, body: 'x' });
  t.equal(exporter.getFinishedLogRecords().length, 1);
});

t.test('older @opentelemetry/api without `logs`: falls back to @opentelemetry/api-logs', async (t) => {
  const { exporter, provider } = sdk();
  const olderApi = { trace: api.trace, context: api.context }; // 1.9 shape: no `logs`
  useLogsLoader(loader({ '@opentelemetry/api': olderApi, '@opentelemetry/api-logs': apiLogsModule(provider) }));
  t.teardown(() => useLogsLoader());
  t.equal(emitFindingEvent(finding, () => ({ 'rampart.attack.kind': 'ssrf' })), true);
  const records = exporter.getFinishedLogRecords();
  t.equal(records.length, 1);
  t.equal(records[0]!.eventName, 'rampart.attack');
  t.equal(records[0]!.severityNumber, 13);
  t.equal(records[0]!.instrumentationScope.name, 'rampart');
  t.same(records[0]!.attributes, { 'rampart.attack.kind': 'ssrf' });
});

t.test('api 1.10 without an SDK but the app registered one through api-logs: that one is used', async (t) => {
  const { exporter, provider } = sdk();
  const resolver = new LogsResolver(loader({ '@opentelemetry/api': api, '@opentelemetry/api-logs': apiLogsModule(provider) }), 'rampart', '0.0.0');
  t.equal(resolver.apiCount, 2);
  resolver.loggerFor(WARN)!.emit({ eventName: 'rampart.attack' });
  t.equal(exporter.getFinishedLogRecords().length, 1);
});

t.test('an old api-logs logger without enabled() is still used', async (t) => {
  const emitted: unknown[] = [];
  const oldLogger = { emit: (r: unknown) => emitted.push(r) };
  const resolver = new LogsResolver(loader({ '@opentelemetry/api-logs': apiLogsModule({ getLogger: () => oldLogger }) }), 'rampart', '0.0.0');
  t.equal(resolver.loggerFor(WARN), oldLogger);
});

t.test('neither module has `logs`, or neither is installed: no logger, and emitting is safe', async (t) => {
  for (const modules of [{}, { '@opentelemetry/api': {} }, { '@opentelemetry/api': { logs: null }, '@opentelemetry/api-logs': { logs: {} } }]) {
    const resolver = new LogsResolver(loader(modules), 'rampart', '0.0.0');
    t.equal(resolver.apiCount, 0);
    t.equal(resolver.loggerFor(WARN), undefined);
  }
  useLogsLoader(loader({}));
  t.teardown(() => useLogsLoader());
  let built = 0;
  t.equal(emitFindingEvent(finding, () => (built++, {})), false);
  t.equal(built, 0);
});
