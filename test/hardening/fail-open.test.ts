// Fault injection without mocking Node or drivers: a throwing getter in the request body
// (input collection), a detector that throws or stalls, a describe() that throws, an
// OpenTelemetry log processor that throws or stalls (real SDK), and a pino destination
// that cannot be written. Every app call proceeds (or is still blocked, for a real
// attack), every response arrives, and each internal fault is logged once per kind and
// counted in `rampart.internal_errors` on every occurrence.
/* eslint-disable @typescript-eslint/no-require-imports */
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logs } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordProcessor, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import t from 'tap';
import { guardSink, type SinkDetector } from '../../src/guard';
import { RampartBlockedError, start, stop } from '../../src/index';
import type { Detection, UserInput } from '../../src/detect/types';
import { captureMetrics, logLinesWhen, type LogLine } from '../fixtures/hardening-telemetry';
import { closeServer, listen, request } from '../helpers/http';

// A log processor the test can make misbehave, in front of an in-memory exporter.
let processorFault: 'none' | 'throw' | 'stall' = 'none';
const exporter = new InMemoryLogRecordExporter();
class FaultyProcessor implements LogRecordProcessor {
  private readonly inner = new SimpleLogRecordProcessor({ exporter });
  onEmit(record: ReadWriteLogRecord): void {
    if (processorFault === 'throw') throw new Error('exporter pipeline broke');
    if (processorFault === 'stall') {
      const until = Date.now() + 20;
      while (Date.now() < until); // a slow exporter holding the thread briefly
    }
    this.inner.onEmit(record);
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [new FaultyProcessor()] }));
const metrics = captureMetrics();

const dir = mkdtempSync(join(tmpdir(), 'rampart-fail-open-'));
let logFile = '';
let run = 0;
function restart(options: Parameters<typeof start>[0]): void {
  stop();
  logFile = join(dir, `rampart-${++run}.log`);
  start({ logLevel: 'warn', logDestination: logFile, ...options });
  exporter.reset();
  processorFault = 'none';
}
t.teardown(stop);
restart({});

const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const db = new Database(':memory:');
db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('alice'), ('bob')");
const tableThere = () => (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'users'").get() as { n: number }).n === 1;

// Test detectors: one that throws, one that stalls, one whose describe() throws.
let detectorCalls = 0;
const throwingDetector: SinkDetector<string> = {
  kind: 'command_injection',
  family: 'test',
  detect() {
    detectorCalls++;
    throw new TypeError('detector bug');
  },
  describe: () => ({}),
};
const stallingDetector: SinkDetector<string> = {
  ...throwingDetector,
  detect() {
    detectorCalls++;
    const until = Date.now() + 20;
    while (Date.now() < until);
    return undefined;
  },
};
const badDescribeDetector: SinkDetector<string> = {
  kind: 'command_injection',
  family: 'test',
  detect: (payload: string, inputs: readonly UserInput[]): Detection | undefined => {
    const input = inputs.find((i) => i.value === 'evil' && payload.includes(i.value));
    return input && { kind: 'command_injection', input, rule: 'test.evil', reason: 'evil input' };
  },
  describe() {
    throw new RangeError('describe bug');
  },
};

type Route = (url: URL, req: IncomingMessage & { body?: unknown }) => unknown;
const ROUTES: Record<string, Route> = {
  // The app's own query, vulnerable on purpose.
  '/users': (url) => db.prepare(`SELECT id, name FROM users WHERE name = '${url.searchParams.get('name')}'`).all(),
  // A body parser handed the app an object whose getter throws when read.
  '/hostile-body': (url, req) => {
    req.body = {
      get name(): string {
        throw new Error('getter boom');
      },
    };
    return ROUTES['/users']!(url, req);
  },
  // A body whose keys cannot even be listed.
  '/hostile-proxy': (url, req) => {
    req.body = new Proxy({}, { ownKeys: () => { throw new Error('proxy boom'); } });
    return ROUTES['/users']!(url, req);
  },
  // Something between Node and the app replaced the headers with a getter that throws.
  '/hostile-headers': (url, req) => {
    Object.defineProperty(req, 'headers', { get: () => { throw new Error('headers boom'); }, configurable: true });
    return ROUTES['/users']!(url, req);
  },
  // The same, in front of a file read: the fs hook's own shortcut must not throw either.
  '/hostile-headers-file': (url, req) => {
    Object.defineProperty(req, 'headers', { get: () => { throw new Error('headers boom'); }, configurable: true });
    return require('node:fs').readFileSync(join(dir, `${url.searchParams.get('name')}.txt`), 'utf8');
  },
  '/throwing-detector': (url) => ranUnless(guardSink(throwingDetector, 'test.detector', `run ${url.searchParams.get('cmd')}`)),
  '/stalling-detector': (url) => ranUnless(guardSink(stallingDetector, 'test.stall', `run ${url.searchParams.get('cmd')}`)),
  '/bad-describe': (url) => ranUnless(guardSink(badDescribeDetector, 'test.describe', `run ${url.searchParams.get('cmd')}`)),
};

/** A sink of the test's own: a refusal is thrown, like a synchronous API's. */
function ranUnless(refusal: RampartBlockedError | undefined): string {
  if (refusal !== undefined) throw refusal;
  return 'ran';
}

const server = createServer((req, res) => {
  const url = new URL(req.url!, 'http://localhost');
  try {
    res.end(JSON.stringify(ROUTES[url.pathname]!(url, req)));
  } catch (error) {
    // The app's error handling; a blocked call has its 403 sent already.
    res.statusCode = 500;
    res.end(error instanceof RampartBlockedError ? 'blocked' : String(error));
  }
});
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(() => closeServer(server));

const internalErrors = (lines: LogLine[], where: string) => lines.filter((l) => l.event === 'rampart.internal_error' && l.where === where);
const errorsCounted = (where: string) => metrics.sum('rampart.internal_errors', { 'rampart.where': where });
const ALICE = JSON.stringify([{ id: 1, name: 'alice' }]);

t.test('hostile body (throwing getter, throwing proxy): the walk absorbs it, other inputs are still checked', async (t) => {
  restart({});
  for (const route of ['/hostile-body', '/hostile-proxy']) {
    const res = await request(`${base}${route}?name=alice`);
    t.equal(res.status, 200, `${route}: response arrives`);
    t.equal(res.text, ALICE, `${route}: the app query ran with its normal result`);
    const attack = await request(`${base}${route}?name=${encodeURIComponent("x'; DROP TABLE users; --")}`);
    t.equal(attack.status, 403, `${route}: an attack in the query string is still blocked`);
    t.ok(tableThere());
  }
  t.equal(await metrics.sum('rampart.internal_errors'), 0, 'not an internal error: the body is skipped, the rest collected');
});

t.test('input collection itself fails (request headers that throw): fail open, logged once, counted each time', async (t) => {
  restart({});
  const where = 'guard:better-sqlite3.prepare';
  for (let i = 0; i < 4; i++) {
    const res = await request(`${base}/hostile-headers?name=alice`);
    t.equal(res.status, 200, 'response arrives');
    t.equal(res.text, ALICE, 'the app query ran with its normal result');
  }
  t.equal(await errorsCounted(where), 4, 'each occurrence counted');
  stop();
  const lines = await logLinesWhen(logFile, (ls) => internalErrors(ls, where).length > 0);
  const logged = internalErrors(lines, where);
  t.equal(logged.length, 1, 'one line for the fault kind, not one per request');
  t.match(logged[0], { level: 'error', err: { message: 'headers boom' } });
  t.match(logged[0]?.msg, /went on unprotected/, 'the line says what it means');
});

t.test('input collection fails before a file read: the read proceeds, counted each time', async (t) => {
  restart({});
  require('node:fs').writeFileSync(join(dir, 'notes.txt'), 'hello');
  for (let i = 0; i < 3; i++) {
    const res = await request(`${base}/hostile-headers-file?name=notes`);
    t.equal(res.status, 200, 'response arrives');
    t.equal(res.text, JSON.stringify('hello'), 'the file was read');
  }
  t.equal(await errorsCounted('guard:fs.readFileSync'), 3, 'each occurrence counted');
});

t.test('a detector that throws: the call proceeds, logged once, counted each time', async (t) => {
  restart({});
  detectorCalls = 0;
  for (let i = 0; i < 3; i++) {
    const res = await request(`${base}/throwing-detector?cmd=evil`);
    t.equal(res.status, 200);
    t.equal(res.text, '"ran"');
  }
  t.equal(detectorCalls, 3, 'each call was really checked');
  t.equal(await errorsCounted('guard:test.detector'), 3);
  stop();
  const lines = await logLinesWhen(logFile, (ls) => internalErrors(ls, 'guard:test.detector').length > 0);
  const logged = internalErrors(lines, 'guard:test.detector');
  t.equal(logged.length, 1, 'logged once');
  t.match(logged[0]?.err, { type: 'TypeError', message: 'detector bug' }, 'with the error');
});

t.test('a detector that stalls: the call waits for it and proceeds; nothing is lost', async (t) => {
  restart({});
  detectorCalls = 0;
  const results = await Promise.all(Array.from({ length: 5 }, () => request(`${base}/stalling-detector?cmd=evil`)));
  t.same(results.map((r) => r.status), [200, 200, 200, 200, 200]);
  t.equal(detectorCalls, 5);
});

t.test('describe() throws: the attack is still blocked and reported, the fault logged', async (t) => {
  restart({});
  const res = await request(`${base}/bad-describe?cmd=evil`);
  t.equal(res.status, 403, 'still blocked');
  t.equal(exporter.getFinishedLogRecords().filter((r) => r.eventName === 'rampart.attack').length, 1, 'still reported');
  t.equal(await errorsCounted('describe'), 1);
  stop();
  const lines = await logLinesWhen(logFile, (ls) => internalErrors(ls, 'describe').length > 0);
  t.equal(internalErrors(lines, 'describe').length, 1);
});

t.test('the OTel log processor throws: monitor lets the query run, block still blocks', async (t) => {
  restart({ mode: 'monitor' });
  processorFault = 'throw';
  for (let i = 0; i < 3; i++) {
    const res = await request(`${base}/users?name=${encodeURIComponent("x' OR '1'='1")}`);
    t.equal(res.status, 200, 'monitor: the call proceeds');
    t.equal((JSON.parse(res.text) as unknown[]).length, 2);
  }
  t.equal(await errorsCounted('report.event'), 3);
  t.equal(await metrics.sum('rampart.findings', { 'rampart.action': 'monitored' }), 3, 'the findings are still counted');
  stop();
  let lines = await logLinesWhen(logFile, (ls) => internalErrors(ls, 'report.event').length > 0);
  t.equal(internalErrors(lines, 'report.event').length, 1, 'logged once');

  restart({ mode: 'block' });
  processorFault = 'throw';
  const res = await request(`${base}/users?name=${encodeURIComponent("x'; DROP TABLE users; --")}`);
  t.equal(res.status, 403, 'a reporting failure never unblocks an attack');
  t.ok(tableThere(), 'table still there');
  t.equal((await request(`${base}/users?name=alice`)).text, ALICE, 'benign traffic unaffected');
  stop();
  lines = await logLinesWhen(logFile, (ls) => internalErrors(ls, 'report.event').length > 0);
  t.equal(internalErrors(lines, 'report.event').length, 1);
});

t.test('the OTel log processor stalls: every response still arrives, every event recorded', async (t) => {
  restart({ mode: 'monitor' });
  processorFault = 'stall';
  const results = await Promise.all(Array.from({ length: 5 }, () => request(`${base}/users?name=${encodeURIComponent("x' OR '1'='1")}`)));
  t.same(results.map((r) => r.status), [200, 200, 200, 200, 200]);
  t.equal(exporter.getFinishedLogRecords().filter((r) => r.eventName === 'rampart.attack').length, 5);
});

t.test('pino destination unusable (a directory): requests served, attacks blocked and still evented', async (t) => {
  stop();
  start({ logLevel: 'info', logDestination: mkdtempSync(join(tmpdir(), 'rampart-not-a-file-')) });
  exporter.reset();
  processorFault = 'none';
  t.equal((await request(`${base}/users?name=alice`)).text, ALICE);
  t.equal((await request(`${base}/users?name=${encodeURIComponent("x'; DROP TABLE users; --")}`)).status, 403);
  t.ok(tableThere());
  t.equal(exporter.getFinishedLogRecords().filter((r) => r.eventName === 'rampart.attack').length, 1, 'the OTel event does not depend on pino');
  await new Promise((r) => setTimeout(r, 50)); // the destination's async open fails now; it must not crash the process
  t.equal((await request(`${base}/users?name=alice`)).text, ALICE, 'still serving after the destination failed');
});
