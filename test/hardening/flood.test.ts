// An attack flood against a real app: express + better-sqlite3 in a child process under
// `node --require rampart/register`, hammered on loopback by autocannon with injection
// requests while benign traffic runs alongside. Every attack gets 403, every benign
// request 200, memory stays bounded, and flood control bounds the log.
import t from 'tap';
import { request } from '../helpers/http';
import { startChildApp } from '../helpers/child';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<CannonResult>;
interface CannonResult {
  readonly statusCodeStats: Record<string, { count: number }>;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
}

const PER_SECOND = 20; // test/fixtures/hardening-flood.json
const SECONDS = 4;
const ATTACK_CONNECTIONS = 8;
const MB = 1024 * 1024;

t.test('blocked flood alongside benign traffic', async (t) => {
  const app = await startChildApp(['--require', 'rampart/register', '--expose-gc', 'test/fixtures/hardening-flood-app.js'], {
    RAMPART_CONFIG: 'test/fixtures/hardening-flood.json',
  });
  t.teardown(() => app.stop());
  const memory = async () => (await request(`${app.base}/rss`)).json() as { rss: number; heapUsed: number };

  // Warm up (JIT, first allocations), then take the baseline.
  for (let i = 0; i < 20; i++) await request(`${app.base}/users?name=alice`);
  const before = await memory();

  const attackPath = `/users?name=${encodeURIComponent("x'; DROP TABLE users; --")}`;
  const started = Date.now();
  const [attack, benign] = await Promise.all([
    autocannon({ url: `${app.base}${attackPath}`, connections: ATTACK_CONNECTIONS, duration: SECONDS, timeout: 20 }),
    autocannon({ url: `${app.base}/users?name=alice`, connections: 2, duration: SECONDS, timeout: 20 }),
  ]);
  const elapsedSeconds = (Date.now() - started) / 1000;

  const attackCodes = Object.keys(attack.statusCodeStats);
  const attacks = attack.statusCodeStats['403']?.count ?? 0;
  t.same(attackCodes, ['403'], `every attack answered 403 (${attacks} of them)`);
  t.ok(attacks > 50, 'the flood was a flood');
  t.equal(attack.timeouts, 0, 'no attack request timed out');
  const benignCodes = Object.keys(benign.statusCodeStats);
  t.same(benignCodes, ['200'], `every benign request served (${benign['2xx']} of them)`);
  t.ok(benign['2xx'] > 10, 'benign traffic kept flowing during the flood');
  t.equal(benign.timeouts, 0, 'no benign request timed out');
  t.same((await request(`${app.base}/tables`)).json(), [{ name: 'users' }], 'the table survived the flood');
  t.same((await request(`${app.base}/users?name=alice`)).json(), [{ id: 1, name: 'alice' }]);

  const after = await memory();
  const mb = (n: number) => (n / MB).toFixed(0);
  t.ok(after.rss - before.rss < 100 * MB, `RSS ${mb(before.rss)} MB -> ${mb(after.rss)} MB (heap after GC ${mb(before.heapUsed)} -> ${mb(after.heapUsed)} MB) after ${attacks} blocked requests`);

  // The summary of suppressed events is written about a second after the first drop.
  for (let i = 0; i < 150 && !app.lines.some((l) => l.event === 'rampart.attack.suppressed'); i++) await new Promise((r) => setTimeout(r, 20));
  const attackLines = app.lines.filter((l) => l.event === 'rampart.attack').length;
  const bound = PER_SECOND * (Math.ceil(elapsedSeconds) + 1);
  t.ok(attackLines >= PER_SECOND, `the first window is logged in full (${attackLines} lines)`);
  t.ok(attackLines <= bound, `attack lines bounded by flood control: ${attackLines} <= ${bound} for ${attacks} attacks in ${elapsedSeconds.toFixed(1)} s`);
  const summaries = app.lines.filter((l) => l.event === 'rampart.attack.suppressed');
  t.ok(summaries.length > 0, 'a suppressed-events summary line appears');
  const suppressed = summaries.reduce((sum, l) => sum + (l['rampart.suppressed.count'] as number), 0);
  // autocannon stops with up to one request in flight per connection: the app still blocked those.
  t.ok(suppressed > 0 && attackLines + suppressed <= attacks + ATTACK_CONNECTIONS, `${suppressed} findings summarised instead of logged`);
  t.equal(app.stderr(), '', 'nothing on stderr');
});
