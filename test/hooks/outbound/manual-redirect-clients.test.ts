// Redirects followed by hand with clients other than fetch: `http.get` (the Location read
// from `res.headers.location`), axios with `maxRedirects: 0`, got with
// `followRedirect: false`, and `undici.request`. The Location of a redirect answered to a
// call whose host came from input is itself input (redirect-inputs.ts), so the next call
// to it is judged: the internal server gets nothing, a redirect within the allowed host is
// followed, and the app keeps serving.
import type { Server } from 'node:http';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { closeServer, listen, request } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { collect, loopbackServers } from './servers';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);
/* eslint-disable @typescript-eslint/no-require-imports */
const http = require('node:http') as typeof import('node:http');
const axios = require('axios') as import('axios').AxiosStatic;
const undici = require('undici') as typeof import('undici');
/* eslint-enable @typescript-eslint/no-require-imports */
const servers = loopbackServers(t);
const asQuery = (value: string) => ({ source: 'query' as const, name: 'url', value });

type Answer = { status: number; location?: string; body: string };
type Client = (url: string) => Promise<Answer>;

/** The RampartBlockedError somewhere in a client's error (itself or a cause). */
function blockedIn(error: unknown): unknown {
  for (let e = error; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) if (e instanceof RampartBlockedError) return e;
  return error;
}

const viaHttp: Client = async (url) => {
  const r = await collect(http.get(url));
  if (r.error !== undefined) throw r.error;
  return { status: r.status!, location: r.headers?.location as string | undefined, body: r.body! };
};
const viaAxios: Client = async (url) => {
  const r = await axios.get<string>(url, { maxRedirects: 0, validateStatus: () => true, responseType: 'text' });
  return { status: r.status, location: r.headers.location as string | undefined, body: r.data };
};
const viaGot: Client = async (url) => {
  const { got } = (await import('got')) as typeof import('got', { with: { 'resolution-mode': 'import' } });
  const r = await got(url, { followRedirect: false, throwHttpErrors: false, retry: { limit: 0 } });
  return { status: r.statusCode, location: r.headers.location, body: r.body };
};
const viaUndici: Client = async (url) => {
  const r = await undici.request(url);
  const location = r.headers.location;
  return { status: r.statusCode, location: typeof location === 'string' ? location : undefined, body: await r.body.text() };
};
const clients: Record<string, Client> = { 'http.get': viaHttp, axios: viaAxios, got: viaGot, 'undici.request': viaUndici };

/** The app's hand-written redirect loop. */
async function following(client: Client, url: string, hops = 3): Promise<Answer> {
  let target = url;
  for (let i = 0; i <= hops; i++) {
    const r = await client(target);
    if (r.status < 300 || r.status > 399 || r.location === undefined) return r;
    target = new URL(r.location, target).href;
  }
  throw new Error('too many redirects');
}

for (const [name, client] of Object.entries(clients)) {
  t.test(`${name}: a Location from a server the input chose is judged like input`, async (t) => {
    servers.allowed.bounceTo = `${servers.internal.origin}/secret`;
    t.equal((await following(client, `${servers.allowed.origin}/bounce`)).body, 'internal secret', 'the attack is real: without input the loop reaches the internal server');
    servers.internal.hits.length = 0;
    events.reset();
    for (const target of [`${servers.internal.origin}/secret`, `http://localhost:${servers.internal.port}/secret`]) {
      servers.allowed.bounceTo = target;
      const url = `${servers.allowed.origin}/bounce`;
      const error = await withInput(asQuery(url), () => following(client, url).then(() => undefined, (e: unknown) => e));
      t.type(blockedIn(error), RampartBlockedError, `${target}: refused`);
    }
    t.same(servers.internal.hits, [], 'the internal server got nothing');
    t.equal(events.attacks()[0]?.attributes['rampart.input.path'], 'redirect.location', 'blamed on the Location');
    const relative = `${servers.allowed.origin}/redirect?to=${encodeURIComponent('/hello')}`;
    const benign = await withInput(asQuery(relative), () => following(client, relative));
    t.equal(benign.body, 'hello from 127.0.0.2', 'benign twin: a redirect within the allowed host is followed');
  });
}

t.test('over HTTP with http.get: 403, nothing reaches the internal server, the next request is served', async (t) => {
  events.reset();
  const { createServer } = await import('node:http');
  const app: Server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('url') ?? '';
    following(viaHttp, target).then(
      (r) => res.end(r.body),
      () => {
        if (!res.headersSent) res.writeHead(502).end();
      },
    );
  });
  const base = await listen(app);
  t.teardown(() => closeServer(app));
  servers.allowed.bounceTo = `http://127.1:${servers.internal.port}/secret`;
  const attack = await request(`${base}/?url=${encodeURIComponent(`${servers.allowed.origin}/bounce`)}`);
  t.equal(attack.status, 403, 'refused');
  t.notMatch(attack.text, /internal secret/);
  t.same(servers.internal.hits, [], 'the internal server got nothing');
  const benign = await request(`${base}/?url=${encodeURIComponent(`${servers.allowed.origin}/hello`)}`);
  t.equal(benign.text, 'hello from 127.0.0.2', 'benign twin');
});
