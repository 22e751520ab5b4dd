// The examples/otel app as a user runs it (built dist/, `--require rampart/register` plus
// the SDK setup file: sdk-node with auto-instrumentations, from the otel-sdk3 fixture
// package through NODE_PATH), exporting to a receiver on 127.0.0.1 through the standard
// OTEL_EXPORTER_OTLP_ENDPOINT variable: logs as protobuf, traces and metrics as JSON.
import { join } from 'node:path';
import t from 'tap';
import { ROOT, startChildApp } from '../helpers/child';
import { request } from '../helpers/http';
import { startOtlpReceiver } from './otlp-receiver';

t.test('attack on the example app: blocked, exported, correlated, and logged by pino on stdout', async (t) => {
  const receiver = await startOtlpReceiver();
  t.teardown(() => receiver.close());
  const app = await startChildApp(['--require', './examples/otel/otel.js', '--require', 'rampart/register', 'examples/otel/app.js'], {
    PORT: '0',
    NODE_PATH: join(ROOT, 'test', 'fixtures', 'otel-sdk3', 'node_modules'),
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/protobuf',
    OTEL_NODE_RESOURCE_DETECTORS: 'none',
    OTEL_SERVICE_NAME: 'example-under-test',
    RAMPART_MODE: 'block',
  });
  t.teardown(() => app.stop());

  const benign = await request(`${app.base}/users?name=alice`);
  t.same(benign.json(), [{ id: 1, name: 'alice', email: 'alice@example.com' }], 'benign request works');
  const attack = await request(`${app.base}/users?name=${encodeURIComponent("' OR '1'='1")}`, { headers: { accept: 'application/json' } });
  t.equal(attack.status, 403);
  t.notMatch(attack.text, /bob@example\.com/, 'no rows leaked');
  const requestId = (attack.json() as { requestId: string }).requestId;
  t.same((await request(`${app.base}/tables`)).json(), ['users']);
  await app.stop(); // SIGTERM: the setup file flushes every signal before exiting

  const events = receiver.logs.filter((l) => l.eventName === 'rampart.attack');
  t.equal(events.length, 1, 'one event exported');
  t.equal(receiver.logs.filter((l) => l.attributes['rampart.action'] !== undefined).length, 1, 'one record per finding with auto-instrumentations (pino bridge on)');
  const event = events[0]!;
  t.equal(event.encoding, 'protobuf');
  t.equal(event.severityText, 'ERROR');
  t.equal(event.attributes['rampart.request.id'], requestId);
  t.equal(event.attributes['db.system.name'], 'sqlite');
  t.equal(event.attributes['db.query.text'], 'SELECT id, name, email FROM users WHERE name = ? OR ?=?');
  t.equal(event.attributes['url.path'], '/users');

  const span = receiver.spans.find((s) => s.spanId === event.spanId);
  t.ok(span, 'the event points at an exported span');
  t.equal(span?.traceId, event.traceId);
  const server = receiver.spans.find((s) => s.kind === 2 && s.traceId === event.traceId);
  t.equal(server?.name, 'GET /users', "the request's SERVER span");
  t.equal(server?.statusCode, 2, 'SERVER span marked as error');
  t.equal(server?.attributes['rampart.action'], 'blocked');
  t.equal(server?.attributes['http.response.status_code'], 403);

  const findings = receiver.points.filter((p) => p.metric === 'rampart.findings');
  t.same(findings.map((p) => [p.attributes['rampart.sink'], p.attributes['http.route'], p.value]), [['better-sqlite3.prepare', '/users', 1]]);

  const line = app.lines.find((l) => l.event === 'rampart.attack');
  t.ok(line, 'pino JSON line on stdout');
  t.equal(line?.level, 'error');
  t.equal(line?.['rampart.request.id'], requestId);
  t.equal(line?.trace_id, event.traceId, 'pino line carries the same trace id');
  t.equal(line?.['db.query.text'], event.attributes['db.query.text'], 'same fields as the event');
});
