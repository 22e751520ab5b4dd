// The undici package: module functions (request, stream, pipeline, fetch), dispatchers
// (Client, Pool, Agent, composed interceptors) and setGlobalDispatcher.
import { Writable } from 'node:stream';
import { pipeline as streamPipeline } from 'node:stream/promises';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { fakeDns, loopbackServers } from './servers';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const undici = require('undici') as typeof import('undici');

const servers = loopbackServers(t);

const asQuery = (value: string) => ({ source: 'query' as const, name: 'url', value });
const lookup = fakeDns({ 'internal.test': '127.0.0.1', 'public.test': '127.0.0.2' });

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error;
  }
}

const sink = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

t.test('every API refuses user-chosen internal destinations with RampartBlockedError', async (t) => {
  const literal = `http://127.0.0.1:${servers.internal.port}/secret`;
  const named = `http://localhost:${servers.internal.port}/secret`;
  const attacks: Array<[string, string, () => Promise<unknown>]> = [
    ['request literal', literal, () => undici.request(literal)],
    ['request 0x7f.1', `http://0x7f.1:${servers.internal.port}/`, () => undici.request(`http://0x7f.1:${servers.internal.port}/`)],
    ['request localhost', named, () => undici.request(named)],
    ['fetch', literal, () => undici.fetch(literal)],
    ['fetch localhost', named, () => undici.fetch(named)],
    ['stream', literal, () => undici.stream(literal, { method: 'GET', opaque: null }, () => sink())],
    ['pipeline', literal, () => streamPipeline(undici.pipeline(literal, { method: 'GET' }, ({ body }) => body), sink())],
    ['Client', literal, () => new undici.Client(servers.internal.origin).request({ path: '/secret', method: 'GET' })],
    ['Pool', named, () => new undici.Pool(`http://localhost:${servers.internal.port}`).request({ path: '/secret', method: 'GET' })],
    ['Agent', literal, () => new undici.Agent().request({ origin: servers.internal.origin, path: '/secret', method: 'GET' })],
    [
      'Agent with lookup',
      `http://internal.test:${servers.internal.port}/`,
      () => new undici.Agent({ connect: { lookup } }).request({ origin: `http://internal.test:${servers.internal.port}`, path: '/', method: 'GET' }),
    ],
  ];
  for (const [name, url, run] of attacks) {
    const error = await withInput(asQuery(url), () => caught(run));
    t.type(error, RampartBlockedError, name);
  }
  t.same(servers.internal.hits, [], 'the internal server got nothing');
  const sinks = new Set(events.attacks().map((e) => e.attributes['rampart.sink']));
  t.ok(sinks.has('undici.request') && sinks.has('undici.fetch') && sinks.has('undici.stream'), [...sinks].join(','));
  events.reset();
});

t.test('callback style gets the refusal in its callback', async (t) => {
  const url = `http://127.0.0.1:${servers.internal.port}/secret`;
  type CallbackRequest = (url: string, opts: object, callback: (err: unknown) => void) => void;
  const error = await withInput(asQuery(url), () => new Promise((resolve) => (undici.request as unknown as CallbackRequest)(url, {}, resolve)));
  t.type(error, RampartBlockedError);
  t.same(servers.internal.hits, []);
  events.reset();
});

t.test('benign: allowlisted destinations through every API, unchanged', async (t) => {
  const url = `${servers.allowed.origin}/hello`;
  const plain = await undici.request(url);
  const plainBody = await plain.body.text();
  const steered = await withInput(asQuery(url), () => undici.request(url));
  t.equal(steered.statusCode, plain.statusCode);
  t.equal(steered.headers['x-served-by'], '127.0.0.2');
  t.equal(await steered.body.text(), plainBody);
  const fetched = await withInput(asQuery(url), () => undici.fetch(url));
  t.equal(await fetched.text(), 'hello from 127.0.0.2');
  const chunks: string[] = [];
  await withInput(asQuery(url), () =>
    undici.stream(`${servers.allowed.origin}/stream`, { method: 'GET', opaque: chunks }, ({ opaque }) =>
      new Writable({
        write(chunk: Buffer, _e, done) {
          (opaque as string[]).push(chunk.toString());
          done();
        },
      }),
    ),
  );
  t.equal(chunks.join(''), 'chunk0;chunk1;chunk2;');
  const pool = new undici.Pool(`http://public.test:${servers.allowed.port}`, { connect: { lookup } });
  const viaPool = await withInput(asQuery('public.test'), () => pool.request({ path: '/hello', method: 'GET' }));
  t.equal(await viaPool.body.text(), 'hello from 127.0.0.2');
  await pool.close();
  const teapot = await withInput(asQuery(url), () => undici.request(`${servers.allowed.origin}/status/418`));
  t.equal(teapot.statusCode, 418);
  t.equal(await teapot.body.text(), 'short and stout');
  const unknown = await withInput(asQuery('missing.test'), () =>
    caught(() => new undici.Agent({ connect: { lookup } }).request({ origin: 'http://missing.test:1', path: '/', method: 'GET' })),
  );
  t.equal((unknown as NodeJS.ErrnoException).code, 'ENOTFOUND', 'errors unchanged');
  t.equal(events.attacks().length, 0);
});

t.test('redirect interceptor: each hop is judged', async (t) => {
  const dispatcher = new undici.Agent().compose(undici.interceptors.redirect({ maxRedirections: 3 }));
  servers.allowed.bounceTo = `${servers.internal.origin}/secret`;
  const url = `${servers.allowed.origin}/bounce`;
  const error = await withInput(asQuery(url), () => caught(() => undici.request(url, { dispatcher })));
  t.type(error, RampartBlockedError);
  t.same(servers.internal.hits, []);
  const fine = await withInput(asQuery(url), () => undici.request(`${servers.allowed.origin}/redirect?to=/hello`, { dispatcher }));
  t.equal(await fine.body.text(), 'hello from 127.0.0.2');
  const fetched = await withInput(asQuery(url), () => caught(() => undici.fetch(url)));
  t.type(fetched, RampartBlockedError, 'undici.fetch follows redirects itself');
  t.same(servers.internal.hits, []);
  await dispatcher.close();
  events.reset();
});

t.test('setGlobalDispatcher: global fetch and undici.request through a custom Agent', async (t) => {
  const previous = undici.getGlobalDispatcher();
  let calls = 0;
  const rebinding = fakeDns({ 'rebind.test': () => (calls++ === 0 ? '127.0.0.2' : '127.0.0.1') });
  undici.setGlobalDispatcher(new undici.Agent({ connect: { lookup: rebinding } }));
  t.teardown(() => undici.setGlobalDispatcher(previous));
  const first = `http://rebind.test:${servers.allowed.port}/hello`;
  const ok = await withInput(asQuery(first), () => fetch(first));
  t.equal(await ok.text(), 'hello from 127.0.0.2', 'global fetch uses the custom dispatcher');
  const second = `http://rebind.test:${servers.internal.port}/secret`;
  t.type(await withInput(asQuery(second), () => caught(() => fetch(second))), RampartBlockedError, 'rebinding caught for fetch');
  t.type(await withInput(asQuery(second), () => caught(() => undici.request(second))), RampartBlockedError, 'and for undici.request');
  t.same(servers.internal.hits, []);
  events.reset();
});

t.test('a pooled Client connection the app opened is not reused for input', async (t) => {
  const client = new undici.Client(`http://localhost:${servers.internal.port}`);
  const own = await client.request({ path: '/own', method: 'GET' });
  t.equal(await own.body.text(), 'internal secret');
  const error = await withInput(asQuery(`http://localhost:${servers.internal.port}/secret`), () => caught(() => client.request({ path: '/secret', method: 'GET' })));
  t.type(error, RampartBlockedError);
  t.same(servers.internal.hits, ['/own']);
  await client.close();
  servers.internal.hits.length = 0;
  events.reset();
});
