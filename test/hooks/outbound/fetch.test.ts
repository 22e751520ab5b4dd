// Global fetch (Node's bundled undici): call-time checks, connect-time checks, redirects
// hop by hop, keep-alive reuse and rebinding.
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { fakeDns, loopbackOnlyTripwire, loopbackServers, startServer } from './servers';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// A dispatcher with a custom lookup, to give test names loopback answers.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Agent } = require('undici') as typeof import('undici');

const servers = loopbackServers(t);

const asQuery = (value: string) => ({ source: 'query' as const, name: 'url', value });
/** fetch's (undocumented in its types) `dispatcher` init option. */
const via = (dispatcher: InstanceType<typeof Agent>) => ({ dispatcher }) as unknown as RequestInit;

async function settle(run: () => Promise<Response>): Promise<{ status?: number; body?: string; headers?: Headers; error?: unknown }> {
  try {
    const res = await run();
    return { status: res.status, body: await res.text(), headers: res.headers };
  } catch (error) {
    return { error };
  }
}

t.test('IP-literal hosts: fetch rejects with RampartBlockedError at once', async (t) => {
  for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '[::ffff:7f00:1]']) {
    const url = `http://${host}:${servers.internal.port}/secret`;
    const result = await withInput(asQuery(url), () => settle(() => fetch(url)));
    t.type(result.error, RampartBlockedError, host);
  }
  const url = `http://127.0.0.1:${servers.internal.port}/secret`;
  const asRequest = await withInput(asQuery(url), () => settle(() => fetch(new Request(url))));
  t.type(asRequest.error, RampartBlockedError, 'Request object');
  const asUrl = await withInput(asQuery(url), () => settle(() => fetch(new URL(url))));
  t.type(asUrl.error, RampartBlockedError, 'URL object');
  t.same(servers.internal.hits, []);
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'fetch');
  events.reset();
});

t.test('DNS names resolving to loopback: refused at connect, fetch rejects with RampartBlockedError', async (t) => {
  const dispatcher = new Agent({ connect: { lookup: fakeDns({ 'internal.test': '127.0.0.1' }) } });
  const viaTable = `http://internal.test:${servers.internal.port}/secret`;
  const a = await withInput(asQuery(viaTable), () => settle(() => fetch(viaTable, via(dispatcher))));
  t.type(a.error, RampartBlockedError, 'custom lookup');
  const viaSystem = `http://localhost:${servers.internal.port}/secret`;
  const b = await withInput(asQuery(viaSystem), () => settle(() => fetch(viaSystem)));
  t.type(b.error, RampartBlockedError, 'localhost');
  t.same(servers.internal.hits, []);
  const [event] = events.attacks();
  t.equal(event?.attributes['rampart.sink'], 'fetch');
  t.equal(event?.attributes['url.full'], viaTable);
  t.equal(event?.attributes['network.peer.address'], '127.0.0.1');
  await dispatcher.close();
  events.reset();
});

t.test('benign: allowlisted destination, same status, headers, body and stream', async (t) => {
  for (const path of ['/hello', '/status/418', '/stream']) {
    const url = `${servers.allowed.origin}${path}`;
    const plain = await settle(() => fetch(url));
    const steered = await withInput(asQuery(url), () => settle(() => fetch(url)));
    t.equal(steered.status, plain.status, path);
    t.equal(steered.body, plain.body);
    t.equal(steered.headers?.get('x-served-by'), plain.headers?.get('x-served-by'));
  }
  const posted = await withInput(asQuery(servers.allowed.origin), () => settle(() => fetch(`${servers.allowed.origin}/echo`, { method: 'POST', body: 'data' })));
  t.equal(posted.body, 'data');
  const closed = await startServer('127.0.0.2');
  await closed.close();
  const refused = await withInput(asQuery(closed.origin), () => settle(() => fetch(closed.origin)));
  t.type(refused.error, TypeError, 'fetch failed, as always');
  t.equal(((refused.error as Error).cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  t.equal(events.attacks().length, 0);
});

t.test('redirects are judged hop by hop', async (t) => {
  servers.allowed.hits.length = 0;
  // The input names only the allowed host; its server picks the internal target.
  servers.allowed.bounceTo = `${servers.internal.origin}/secret`;
  const url = `${servers.allowed.origin}/bounce`;
  const result = await withInput(asQuery(url), () => settle(() => fetch(url)));
  t.type(result.error, RampartBlockedError, 'redirect into 127.0.0.1');
  t.same(servers.internal.hits, []);
  t.same(servers.allowed.hits, ['/bounce'], 'the first hop went out');
  const [event] = events.attacks();
  t.equal(event?.attributes['network.peer.address'], '127.0.0.1');
  t.equal(event?.attributes['url.full'], url, 'the URL the app was given');
  servers.allowed.bounceTo = `http://localhost:${servers.internal.port}/secret`;
  const viaName = await withInput(asQuery(url), () => settle(() => fetch(url)));
  t.type(viaName.error, RampartBlockedError, 'redirect into localhost');
  const viaRequest = await withInput(asQuery(url), () => settle(() => fetch(new Request(url))));
  t.type(viaRequest.error, RampartBlockedError, 'Request object');
  const manual = await withInput(asQuery(url), () => settle(() => fetch(url, { redirect: 'manual' })));
  t.equal(manual.status, 302, 'not followed: nothing to judge');
  const toQuery = `${servers.allowed.origin}/redirect?to=${encodeURIComponent(`${servers.internal.origin}/secret`)}`;
  const named = await withInput(asQuery(toQuery), () => settle(() => fetch(toQuery)));
  t.type(named.error, RampartBlockedError, 'target named in the input itself');
  const plain = await settle(() => fetch(url));
  t.equal(plain.body, 'internal secret', "without input the app's own redirects are its business");
  servers.internal.hits.length = 0;
  const fine = `${servers.allowed.origin}/redirect?to=/hello`;
  const followed = await withInput(asQuery(fine), () => settle(() => fetch(fine)));
  t.equal(followed.body, 'hello from 127.0.0.2', 'redirect within the allowed host works');
  t.same(servers.internal.hits, []);
  servers.allowed.hits.length = 0;
  events.reset();
});

t.test('rebinding: the second connection is judged on its own answer', async (t) => {
  let calls = 0;
  const lookup = fakeDns({ 'rebind.test': () => (calls++ === 0 ? '127.0.0.2' : '127.0.0.1') });
  const dispatcher = new Agent({ connect: { lookup } });
  const first = `http://rebind.test:${servers.allowed.port}/hello`;
  const ok = await withInput(asQuery(first), () => settle(() => fetch(first, via(dispatcher))));
  t.equal(ok.body, 'hello from 127.0.0.2');
  const second = `http://rebind.test:${servers.internal.port}/secret`;
  const refused = await withInput(asQuery(second), () => settle(() => fetch(second, via(dispatcher))));
  t.type(refused.error, RampartBlockedError);
  t.same(servers.internal.hits, []);
  await dispatcher.close();
  events.reset();
});

t.test('a pooled connection the app opened to an internal host is not reused for input', async (t) => {
  const own = await settle(() => fetch(`http://localhost:${servers.internal.port}/own`));
  t.equal(own.body, 'internal secret', "the app's own call works");
  const url = `http://localhost:${servers.internal.port}/secret`;
  const refused = await withInput(asQuery(url), () => settle(() => fetch(url)));
  t.type(refused.error, RampartBlockedError);
  t.same(servers.internal.hits, ['/own'], 'the reused connection carried nothing');
  servers.internal.hits.length = 0;
  events.reset();
});

t.test('cloud metadata is refused without any user input', async (t) => {
  const tripwire = loopbackOnlyTripwire();
  t.teardown(tripwire.dispose);
  const result = await settle(() => fetch('http://169.254.169.254/latest/meta-data/'));
  t.type(result.error, RampartBlockedError);
  t.same(tripwire.attempted, [], 'no connection was attempted');
  // The tripwire does see connections: a fresh one to the allowed server shows up.
  const fresh = new Agent();
  t.equal((await settle(() => fetch(`${servers.allowed.origin}/hello`, via(fresh)))).status, 200);
  t.same(tripwire.attempted, ['127.0.0.2']);
  await fresh.close();
  const [event] = events.attacks();
  t.equal(event?.attributes['security_rule.name'], 'ssrf.cloud-metadata');
  events.reset();
});
