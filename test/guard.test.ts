// The guard's own rules, with a test detector that flags any input equal to "evil".
import { createServer } from 'node:http';
import t from 'tap';
import type { SinkDetector } from '../src/guard';
import { RampartBlockedError, start, stop, withInput } from '../src/index';
import type { Detection, UserInput } from '../src/detect/types';
import { closeServer, listen, request } from './helpers/http';
import { captureOtelLogs } from './helpers/otel';
import { guardThrowing } from './helpers/guard';

const events = captureOtelLogs();

const evilDetector: SinkDetector<string> = {
  kind: 'command_injection',
  family: 'test',
  detect(payload: string, inputs: readonly UserInput[]): Detection | undefined {
    const input = inputs.find((i) => i.value === 'evil' && payload.includes(i.value));
    return input && { kind: 'command_injection', input, rule: 'test.evil', reason: 'evil input' };
  },
  describe: () => ({ 'process.command_line': 'test' }),
};
let detectCalls = 0;
const throwingDetector: SinkDetector<string> = {
  ...evilDetector,
  detect() {
    detectCalls++;
    throw new Error('detector bug');
  },
};

function restart(options: Parameters<typeof start>[0]): void {
  stop();
  start({ logLevel: 'silent', ...options });
  events.reset();
}
t.teardown(stop);

t.test('no request context, or no input in the payload: the call proceeds', async (t) => {
  restart({});
  t.doesNotThrow(() => guardThrowing(evilDetector, 'test.sink', 'run evil'), 'outside any context');
  withInput({ name: 'x', value: 'evil' }, () => t.doesNotThrow(() => guardThrowing(evilDetector, 'test.sink', 'run good')));
  t.equal(events.attacks().length, 0);
});

t.test('block mode refuses with RampartBlockedError; monitor reports and proceeds; off does nothing', async (t) => {
  restart({ mode: 'block' });
  t.throws(() => withInput({ name: 'x', value: 'evil' }, () => guardThrowing(evilDetector, 'test.sink', 'run evil')), RampartBlockedError);
  t.equal(events.attacks()[0]?.severityText, 'ERROR');
  restart({ mode: 'monitor' });
  t.doesNotThrow(() => withInput({ name: 'x', value: 'evil' }, () => guardThrowing(evilDetector, 'test.sink', 'run evil')));
  t.equal(events.attacks()[0]?.attributes['rampart.action'], 'monitored');
  restart({ mode: 'block', modes: { command_injection: 'off' } });
  t.doesNotThrow(() => withInput({ name: 'x', value: 'evil' }, () => guardThrowing(evilDetector, 'test.sink', 'run evil')));
  t.equal(events.attacks().length, 0);
});

t.test('fail open: a detector that throws lets the call proceed, logged once, counted', async (t) => {
  restart({ mode: 'block' });
  detectCalls = 0;
  for (let i = 0; i < 3; i++) {
    t.doesNotThrow(() => withInput({ name: 'x', value: 'evil' }, () => guardThrowing(throwingDetector, 'test.sink', 'run evil')));
  }
  t.equal(detectCalls, 3, 'each call was attempted');
});

t.test('allowlists: sink, input and route', async (t) => {
  restart({ allow: { sinks: ['test.*'] } });
  t.doesNotThrow(() => withInput({ name: 'x', value: 'evil' }, () => guardThrowing(evilDetector, 'test.sink', 'run evil')), 'sink prefix');
  restart({ allow: { inputs: [{ source: 'custom', name: 'trusted.*' }] } });
  t.doesNotThrow(() => withInput({ name: 'trusted.cmd', value: 'evil' }, () => guardThrowing(evilDetector, 'test.sink', 'run evil')), 'input prefix');
  t.throws(
    () => withInput([{ name: 'trusted.cmd', value: 'evil' }, { source: 'body', name: 'other', value: 'evil' }], () => guardThrowing(evilDetector, 'test.sink', 'run evil')),
    RampartBlockedError,
    'another input with the same value is still caught',
  );
  restart({ allow: { inputs: [{ source: 'custom', name: 'x', kinds: ['sql_injection'] }] } });
  t.throws(() => withInput({ name: 'x', value: 'evil' }, () => guardThrowing(evilDetector, 'test.sink', 'run evil')), RampartBlockedError, 'rule for another kind does not apply');

  restart({ allow: { routes: [{ method: 'POST', path: '/admin/:tool/**' }] } });
  const server = createServer((req, res) => {
    try {
      guardThrowing(evilDetector, 'test.sink', `run ${new URL(req.url!, 'http://x').searchParams.get('q')}`);
      res.end('ran');
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  const base = await listen(server);
  t.equal((await request(`${base}/admin/sql/run/now?q=evil`, { method: 'POST' })).text, 'ran', 'allowlisted route');
  t.equal((await request(`${base}/admin/sql/run/now?q=evil`, { method: 'GET' })).status, 403, 'other method still blocked');
  t.equal((await request(`${base}/public?q=evil`, { method: 'POST' })).status, 403, 'other path still blocked');
  await closeServer(server);
});

t.test('block response: custom status and body; headers already sent; app handler cannot override', async (t) => {
  restart({ blockResponse: { status: 451, json: { blocked: true, id: '{requestId}' } } });
  const server = createServer((req, res) => {
    if (req.url!.startsWith('/streaming')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial ');
    }
    try {
      guardThrowing(evilDetector, 'test.sink', 'run evil');
    } catch {
      // The app tries everything to send its own error.
      res.setHeader('x-app', 'yes');
      res.writeHead(500);
      res.end('app error page');
      res.end('twice');
    }
  });
  const base = await listen(server);
  const res = await request(`${base}/json?q=evil`);
  t.equal(res.status, 451);
  const body = res.json() as { blocked: boolean; id: string };
  t.equal(body.blocked, true);
  t.match(body.id, /^[0-9a-f-]{36}$/);
  t.equal(res.headers.get('x-app'), null);
  const streaming = await request(`${base}/streaming?q=evil`);
  t.equal(streaming.status, 200, 'headers were already out');
  t.equal(streaming.text, 'partial ', 'response ended cleanly without the app error');
  await closeServer(server);
});
