// axios and got are built on http.request: they are covered through it, redirects too.
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { loopbackServers } from './servers';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const axios = require('axios') as import('axios').AxiosStatic;

const servers = loopbackServers(t);

const asQuery = (value: string) => ({ source: 'query' as const, name: 'url', value });

/** The RampartBlockedError somewhere in a client's error (itself or a cause). */
function blockedIn(error: unknown): unknown {
  for (let e = error; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    if (e instanceof RampartBlockedError) return e;
  }
  return error;
}

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error;
  }
}

t.test('axios: attacks refused, internal server untouched', async (t) => {
  for (const url of [`http://127.0.0.1:${servers.internal.port}/secret`, `http://2130706433:${servers.internal.port}/secret`, `http://localhost:${servers.internal.port}/secret`]) {
    const error = await withInput(asQuery(url), () => caught(() => axios.get(url)));
    t.type(blockedIn(error), RampartBlockedError, url);
  }
  servers.allowed.bounceTo = `${servers.internal.origin}/secret`;
  const redirected = await withInput(asQuery(`${servers.allowed.origin}/bounce`), () => caught(() => axios.get(`${servers.allowed.origin}/bounce`)));
  t.type(blockedIn(redirected), RampartBlockedError, 'redirect followed by follow-redirects');
  t.same(servers.internal.hits, []);
  events.reset();
});

t.test('axios: benign requests unchanged', async (t) => {
  const url = `${servers.allowed.origin}/hello`;
  const plain = await axios.get<string>(url);
  const steered = await withInput(asQuery(url), () => axios.get<string>(url));
  t.equal(steered.status, plain.status);
  t.equal(steered.data, plain.data);
  t.equal(steered.headers['x-served-by'], '127.0.0.2');
  const teapot = await withInput(asQuery(url), () => caught(() => axios.get(`${servers.allowed.origin}/status/418`)));
  t.equal((teapot as { response?: { status: number } }).response?.status, 418, 'HTTP errors as usual');
  t.equal(events.attacks().length, 0);
});

t.test('got: attacks refused, benign requests unchanged', async (t) => {
  const { got } = (await import('got')) as typeof import('got', { with: { 'resolution-mode': 'import' } });
  for (const url of [`http://127.0.0.1:${servers.internal.port}/secret`, `http://0x7f.1:${servers.internal.port}/secret`, `http://localhost:${servers.internal.port}/secret`]) {
    const error = await withInput(asQuery(url), () => caught(() => got(url, { retry: { limit: 0 } })));
    t.type(blockedIn(error), RampartBlockedError, url);
  }
  servers.allowed.bounceTo = `http://localhost:${servers.internal.port}/secret`;
  const redirected = await withInput(asQuery(`${servers.allowed.origin}/bounce`), () => caught(() => got(`${servers.allowed.origin}/bounce`, { retry: { limit: 0 } })));
  t.type(blockedIn(redirected), RampartBlockedError, 'redirect followed by got');
  t.same(servers.internal.hits, []);
  events.reset();
  const url = `${servers.allowed.origin}/hello`;
  const plain = await got(url);
  const steered = await withInput(asQuery(url), () => got(url));
  t.equal(steered.body, plain.body);
  t.equal(steered.headers['x-served-by'], '127.0.0.2');
  t.equal(events.attacks().length, 0);
});
