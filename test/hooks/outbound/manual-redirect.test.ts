// Redirects the app follows by hand: fetch(url, { redirect: 'manual' }) to the host the
// input names, then fetch(location). The Location came from a server the input chose, so
// the second call is judged as if the input had named it: the internal server gets no
// request; a redirect within the allowed host, and the app's own redirects, still work.
import type { Server } from 'node:http';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { closeServer, listen, request } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { loopbackServers } from './servers';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);
const servers = loopbackServers(t);
const asQuery = (value: string) => ({ source: 'query' as const, name: 'url', value });

/** The app's hand-written redirect loop, as found in proxies and link previewers. */
async function fetchFollowing(url: string, hops = 3): Promise<{ status: number; body: string }> {
  let target = url;
  for (let i = 0; i <= hops; i++) {
    const res = await fetch(target, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status > 399 || location === null) return { status: res.status, body: await res.text() };
    target = new URL(location, target).href;
  }
  throw new Error('too many redirects');
}

t.test('the attack is real: without input the loop reaches the internal server', async (t) => {
  servers.allowed.bounceTo = `${servers.internal.origin}/secret`;
  t.same(await fetchFollowing(`${servers.allowed.origin}/bounce`), { status: 200, body: 'internal secret' });
  servers.internal.hits.length = 0;
});

t.test('a Location from a server the input chose is judged like input', async (t) => {
  for (const target of [`${servers.internal.origin}/secret`, `http://localhost:${servers.internal.port}/secret`, `http://127.1:${servers.internal.port}/x`]) {
    servers.allowed.bounceTo = target;
    const url = `${servers.allowed.origin}/bounce`;
    const error = await withInput(asQuery(url), () => fetchFollowing(url).then(() => undefined, (e: unknown) => e));
    t.type(error, RampartBlockedError, `${target}: refused`);
    t.same(servers.internal.hits, [], `${target}: the internal server got nothing`);
  }
  const relative = `${servers.allowed.origin}/redirect?to=${encodeURIComponent('/hello')}`;
  t.same(await withInput(asQuery(relative), () => fetchFollowing(relative)), { status: 200, body: 'hello from 127.0.0.2' }, 'a redirect within the allowed host is followed');
});

t.test('over HTTP: 403, nothing reaches the internal server, the next request is served', async (t) => {
  events.reset();
  const { createServer } = await import('node:http');
  const app: Server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('url') ?? '';
    fetchFollowing(target).then(
      (r) => res.end(r.body),
      () => {
        if (!res.headersSent) res.writeHead(502).end();
      },
    );
  });
  const base = await listen(app);
  t.teardown(() => closeServer(app));
  servers.allowed.bounceTo = `${servers.internal.origin}/secret`;
  const attack = await request(`${base}/?url=${encodeURIComponent(`${servers.allowed.origin}/bounce`)}`);
  t.equal(attack.status, 403, 'refused');
  t.notMatch(attack.text, /internal secret/);
  t.same(servers.internal.hits, [], 'the internal server got nothing');
  t.equal(events.attacks()[0]?.attributes['rampart.input.source'], 'custom', 'blamed on the Location');
  t.equal(events.attacks()[0]?.attributes['rampart.input.path'], 'redirect.location');
  const benign = await request(`${base}/?url=${encodeURIComponent(`${servers.allowed.origin}/hello`)}`);
  t.equal(benign.text, 'hello from 127.0.0.2', 'benign twin');
});
