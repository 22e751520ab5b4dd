// Monitor mode in a real Next.js 16 app, with the plain OpenTelemetry NodeSDK registered
// (test/fixtures/nextjs-otel.js): the attack is reported and runs, the benign request is
// unchanged, and the finding event belongs to the trace of Next's own spans: same trace id,
// emitted while one of Next's spans was active, and that span carries rampart's attributes.
import { join } from 'node:path';
import t from 'tap';
import { ROOT } from '../helpers/child';
import { postJson, request } from '../helpers/http';
import { startNextApp, type NextApp } from './support';

interface Exported {
  spans: Array<{ name: string; traceId: string; spanId: string; attributes: Record<string, unknown> }>;
  attacks: Array<{ traceId?: string; spanId?: string; attributes: Record<string, unknown> }>;
}

// The first file to run builds the app (test/nextjs/build.ts): a minute or two of CPU.
t.setTimeout(600_000);

let app: NextApp;
t.before(async () => {
  app = await startNextApp(t, { config: { mode: 'monitor' }, require: [join(ROOT, 'test', 'fixtures', 'nextjs-otel.js')] });
});

async function exported(): Promise<Exported> {
  const control = app.lines.find((line) => typeof line.control === 'number');
  if (control === undefined) throw new Error(`the OpenTelemetry setup did not start: ${app.stderr()}`);
  return (await request(`http://127.0.0.1:${control.control as number}/`)).json() as Exported;
}

t.test('monitor: the attack is reported and the call runs; the benign twin is unchanged', async (t) => {
  const benign = await request(`${app.base}/api/users?name=alice`);
  t.same(benign.json(), [{ id: 1, name: 'alice' }]);
  const attack = await request(`${app.base}/api/users?name=${encodeURIComponent("' OR '1'='1")}`);
  t.equal(attack.status, 200, 'monitor mode does not interfere');
  t.same(attack.json(), [
    { id: 1, name: 'alice' },
    { id: 2, name: 'bob' },
  ]);
  const [event] = await app.waitForAttacks(1);
  t.match(event, { 'rampart.action': 'monitored', 'rampart.attack.kind': 'sql_injection', 'rampart.input.source': 'query', level: 'warn' });
  t.ok(await app.alive());
});

t.test("the finding is in Next's trace: its span is one Next emitted, and carries rampart's attributes", async (t) => {
  let data = await exported();
  for (let i = 0; data.attacks.length === 0 && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    data = await exported();
  }
  const attack = data.attacks.find((a) => a.attributes['rampart.input.value'] === "' OR '1'='1");
  t.ok(attack, 'the finding reached the OpenTelemetry logs SDK');
  t.match(attack!.traceId, /^[0-9a-f]{32}$/);
  t.not(attack!.traceId, '00000000000000000000000000000000', 'emitted inside a trace');
  const trace = data.spans.filter((s) => s.traceId === attack!.traceId);
  const root = trace.find((s) => s.name === 'GET /api/users');
  t.ok(root, "Next's request span is in the same trace");
  t.equal(root?.attributes['next.span_type'], 'BaseServer.handleRequest');
  const active = trace.find((s) => s.spanId === attack!.spanId);
  t.ok(active, 'the event names a span Next emitted');
  t.match(String(active?.attributes['next.span_type']), /./, 'a Next.js span');
  t.equal(active?.attributes['rampart.attack.kind'], 'sql_injection');
});

t.test('a JSON body attack on a route handler is reported in monitor mode and the insert runs', async (t) => {
  app.lines.length = 0;
  const res = await postJson(`${app.base}/api/notes`, { note: "a'), ('b" });
  t.equal(res.status, 201, 'the call ran');
  t.same(app.notes(), ['a', 'b'], 'the injected second row was inserted: monitor only reports');
  const [event] = await app.waitForAttacks(1);
  t.match(event, { 'rampart.action': 'monitored', 'rampart.input.source': 'body', 'rampart.input.path': 'note' });
});
