// Concurrent requests never see each other's inputs, across awaits, timers, callbacks,
// event emitters and better-sqlite3 calls.
import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { currentContext } from '../../src/context/store';
import { closeServer, listen, request } from '../helpers/http';

start({ logLevel: 'silent' });
t.teardown(stop);

const bus = new EventEmitter();
const server = createServer(async (req, res) => {
  const own = new URL(req.url!, 'http://x').searchParams.get('id');
  const seen: string[] = [];
  const look = () => currentContext()?.inputs().find((i) => i.source === 'query' && i.path === 'id')?.value ?? 'none';
  seen.push(look());
  await new Promise((r) => setTimeout(r, Math.random() * 20));
  seen.push(look());
  await new Promise<void>((r) => setImmediate(() => { seen.push(look()); r(); }));
  await new Promise<void>((r) => process.nextTick(() => { seen.push(look()); r(); }));
  const heard = once(bus, `ping-${own}`);
  setTimeout(() => bus.emit(`ping-${own}`), Math.random() * 10);
  await heard;
  seen.push(look());
  res.end(JSON.stringify({ own, seen }));
});
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(() => closeServer(server));

t.test('200 interleaved requests each see only their own input', async (t) => {
  const ids = Array.from({ length: 200 }, (_, i) => `req${i}`);
  const results = await Promise.all(ids.map((id) => request(`${base}/?id=${id}`).then((r) => r.json() as { own: string; seen: string[] })));
  let mismatches = 0;
  for (const r of results) for (const s of r.seen) if (s !== r.own) mismatches++;
  t.equal(mismatches, 0);
  t.equal(results.length, 200);
});

t.test('no context outside a request', async (t) => {
  t.equal(currentContext(), undefined);
});
