// Shared by the SDK-line tests (sdk-line-*.test.ts): rampart inside the standard
// OpenTelemetry setup of both SDK lines a user gets from npm: the current one (@opentelemetry/api 1.10, sdk-node 0.301, SDK 3.x) and the one npm
// resolves on Node 20 (api 1.9 with @opentelemetry/api-logs, sdk-node 0.223, SDK 2.x).
// Each runs from its own fixture package with its own single @opentelemetry/api, which is
// not the copy rampart's repository has (1.10): rampart has to find the app's. The SDK
// exports over OTLP/HTTP JSON to a receiver on loopback; the app's own pino logger is
// bridged by instrumentation-pino, as auto-instrumentations do by default.
import { join } from 'node:path';
import type { Test } from 'tap';
import { ROOT, startChildApp, type ChildApp } from '../helpers/child';
import { request } from '../helpers/http';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver';

export const LINES = {
  sdk3: { name: 'SDK 3.x, api 1.10', dir: 'otel-sdk3' },
  sdk2: { name: 'SDK 2.x, api 1.9 + api-logs', dir: 'otel-sdk2' },
} as const;

const ATTACK = `/users?name=${encodeURIComponent("' OR '1'='1")}`;

export async function runLine(dir: string, env: Record<string, string>): Promise<{ app: ChildApp; receiver: OtlpReceiver }> {
  const receiver = await startOtlpReceiver();
  const app = await startChildApp([join(ROOT, 'test', 'fixtures', dir, 'app.js')], {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_METRIC_EXPORT_INTERVAL: '600000',
    OTEL_SERVICE_NAME: `rampart-${dir}`,
    OTEL_NODE_RESOURCE_DETECTORS: 'none',
    RAMPART_MODE: 'block',
    ...env,
  });
  return { app, receiver };
}

/** The benign twin, the attack, and proof the attack did nothing and the process is up. */
export async function exercise(t: Test, app: ChildApp): Promise<string> {
  const benign = await request(`${app.base}/users?name=alice`);
  t.same(benign.json(), [{ id: 1, name: 'alice', email: 'alice@example.com' }], 'benign request: the right row');
  const attack = await request(`${app.base}${ATTACK}`, { headers: { accept: 'application/json', 'user-agent': 'line-test' } });
  t.equal(attack.status, 403, 'attack refused');
  t.notMatch(attack.text, /bob@example\.com/, 'no rows leaked');
  t.same((await request(`${app.base}/tables`)).json(), ['line_users'], 'process up, table intact');
  return (attack.json() as { requestId: string }).requestId;
}

export function testLine(t: Test, line: { readonly name: string; readonly dir: string }): void {
  t.test(`${line.name}: one event in the request's trace, the SERVER span marked, metrics exported`, async (t) => {
    const { app, receiver } = await runLine(line.dir, {});
    t.teardown(() => receiver.close());
    t.teardown(() => app.stop());
    const requestId = await exercise(t, app);
    await app.stop(); // SIGTERM: sdk.shutdown() flushes every signal
    t.equal(app.child.exitCode, 0, 'clean exit');
    t.notMatch(app.stderr(), /otel_api_mismatch|cannot read/, 'no API version warning: rampart found the app copy');

    const findingRecords = receiver.logs.filter((l) => l.attributes['rampart.action'] !== undefined);
    t.equal(findingRecords.length, 1, 'exactly one log record for the finding (rampart pino line not bridged)');
    const event = findingRecords[0]!;
    t.equal(event.eventName, 'rampart.attack');
    t.equal(event.severityText, 'ERROR');
    t.equal(event.body, undefined, 'no body');
    t.equal(event.attributes['rampart.request.id'], requestId);
    t.equal(event.attributes['db.query.text'], 'SELECT id, name, email FROM line_users WHERE name = ? OR ?=?');
    t.ok(receiver.logs.some((l) => l.attributes.route === '/users'), "the app's own bridged pino line still arrives");

    const server = receiver.spans.find((s) => s.kind === 2 && s.attributes['http.response.status_code'] === 403);
    t.ok(server, 'SERVER span of the blocked request exported');
    t.equal(event.traceId, server?.traceId, "event carries the request's trace id");
    const active = receiver.spans.find((s) => s.spanId === event.spanId);
    t.ok(active, "event carries the span id of a span of the request");
    t.equal(active?.traceId, server?.traceId);
    t.equal(server?.attributes['rampart.action'], 'blocked', 'SERVER span marked');
    t.equal(server?.attributes['rampart.attack.kind'], 'sql_injection');
    t.equal(server?.attributes['rampart.request.id'], requestId);
    t.equal(server?.statusCode, 2, 'SERVER span status ERROR');
    t.equal(server?.attributes['http.response.status_code'], 403, '403 still visible');
    t.equal(active?.attributes['rampart.action'], 'blocked', 'the active span is marked too');

    const findings = receiver.points.filter((p) => p.metric === 'rampart.findings');
    t.same(
      findings.map((p) => [p.attributes['rampart.action'], p.attributes['security_rule.name'], p.attributes['rampart.input.source'], p.attributes['http.route'], p.value]),
      [['blocked', 'sqli.token-boundary', 'query', '/users', 1]],
      'rampart.findings exported, by rule, input source and route',
    );
    t.ok(receiver.points.some((p) => p.metric === 'rampart.checks' && p.value >= 2), 'rampart.checks exported');

    const line0 = app.lines.find((l) => l.event === 'rampart.attack');
    t.ok(line0, "rampart's own pino line on stdout");
    t.equal(line0?.trace_id, event.traceId, 'same trace id in the line');
  });
}

