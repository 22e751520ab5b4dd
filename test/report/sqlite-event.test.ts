// A finding from the real better-sqlite3 hook, over real HTTP: the event carries the
// database attributes with literals redacted (the app's own secrets in the query do not
// leave the process), and the request's attributes; the attack had no effect.
import { createServer } from 'node:http';
import { context, logs, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import t from 'tap';
import { RampartBlockedError, start, stop } from '../../src/index';
import { closeServer, listen, request } from '../helpers/http';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })] }));
const exporter = new InMemoryLogRecordExporter();
logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] }));

start({ logLevel: 'silent', mode: 'block' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const db = new Database(':memory:');
db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, api_key TEXT); INSERT INTO users (name, api_key) VALUES ('alice', 'sk_live_alice'), ('bob', 'sk_live_bob')");

const tracer = trace.getTracer('test');
let serverSpanId = '';
const server = createServer((req, res) => {
  tracer.startActiveSpan('GET /users', { kind: SpanKind.SERVER }, (span) => {
    serverSpanId = span.spanContext().spanId;
    const name = new URL(req.url!, 'http://x').searchParams.get('name');
    try {
      // VULNERABLE on purpose, with a literal of the app's own that must not be reported.
      const rows = db.prepare(`SELECT name FROM users WHERE api_key <> 'sk_test_internal' AND name = '${name}'`).all();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(rows));
    } catch (error) {
      if (!(error instanceof RampartBlockedError)) throw error;
    } finally {
      span.end();
    }
  });
});
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(() => closeServer(server));

const attacks = () => exporter.getFinishedLogRecords().filter((r) => r.eventName === 'rampart.attack');

t.test('benign: rows as without rampart, no event', async (t) => {
  const res = await request(`${base}/users?name=alice`);
  t.equal(res.status, 200);
  t.same(res.json(), [{ name: 'alice' }]);
  t.equal(attacks().length, 0);
});

t.test('injection: 403, no rows leaked, one event with redacted query text', async (t) => {
  const res = await request(`${base}/users?name=${encodeURIComponent("x' OR '1'='1")}`, { headers: { accept: 'application/json' } });
  t.equal(res.status, 403);
  t.notMatch(res.text, /alice|bob|sk_live/, 'no row left the database');
  const records = attacks();
  t.equal(records.length, 1);
  const a = records[0]!.attributes;
  t.equal(a['db.system.name'], 'sqlite');
  t.equal(a['db.query.text'], 'SELECT name FROM users WHERE api_key <> ? AND name = ? OR ?=?', 'every literal replaced by ?');
  t.notMatch(JSON.stringify(records[0]!.attributes), /sk_test_internal/, "the app's own literal is not reported anywhere");
  t.equal(a['rampart.sink'], 'better-sqlite3.prepare');
  t.equal(a['rampart.attack.kind'], 'sql_injection');
  t.equal(a['security_rule.category'], 'injection/sql');
  t.equal(a['rampart.input.source'], 'query');
  t.equal(a['rampart.input.path'], 'name');
  t.equal(a['rampart.input.value'], "x' OR '1'='1");
  t.equal(a['rampart.request.id'], (res.json() as { requestId: string }).requestId, 'same id as the 403 body');
  t.equal(a['url.path'], '/users');
  t.equal(a['error.type'], 'RampartBlockedError');
  t.equal(records[0]!.spanContext?.spanId, serverSpanId, 'correlated with the request span');
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n, 2, 'table unchanged');
});
