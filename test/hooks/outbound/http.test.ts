// http.request / http.get with user input steering the destination: URL strings, URL
// objects, options objects, custom lookups and keep-alive Agents.
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { collect, fakeDns, loopbackServers, startServer, failsWith } from './servers';

const events = captureOtelLogs();
const config = { logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } } as const;
start(config);
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require('node:http') as typeof import('node:http');

const servers = loopbackServers(t);

const asQuery = (value: string) => ({ source: 'query' as const, name: 'url', value });

t.test('IP-literal hosts in any notation: http.get fails (its error event) before any socket connects', async (t) => {
  for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '0177.0.0.1', '[::ffff:127.0.0.1]']) {
    const url = `http://${host}:${servers.internal.port}/secret`;
    t.type(await failsWith(() => withInput(asQuery(url), () => http.get(url))), RampartBlockedError, host);
  }
  const url = new URL(`http://127.1:${servers.internal.port}/secret`);
  t.type(await failsWith(() => withInput(asQuery(url.href), () => http.request(url).end())), RampartBlockedError, 'URL object');
  t.type(
    await failsWith(() => withInput({ source: 'body', name: 'host', value: '127.0.0.1' }, () => http.request({ host: '127.0.0.1', port: servers.internal.port, path: '/secret' }))),
    RampartBlockedError,
    'options object',
  );
  t.same(servers.internal.hits, [], 'the internal server got nothing');
  const [event] = events.attacks();
  t.equal(event?.attributes['rampart.sink'], 'http.request');
  t.equal(event?.attributes['security_rule.name'], 'ssrf.internal-address');
  t.equal(event?.attributes['server.address'], '127.0.0.1');
  t.equal(event?.attributes['url.full'], `http://127.0.0.1:${servers.internal.port}/secret`);
  events.reset();
});

t.test('a DNS name resolving to loopback is refused at lookup: the request errors, nothing connects', async (t) => {
  const lookup = fakeDns({ 'internal.test': '127.0.0.1', 'dual.test': ['127.0.0.2', '127.0.0.1'] });
  for (const url of [`http://localhost:${servers.internal.port}/secret`, `http://internal.test:${servers.internal.port}/secret`, `http://dual.test:${servers.internal.port}/secret`]) {
    // localhost goes through the system resolver; the .test names through the table.
    const options = url.includes('localhost') ? {} : { lookup };
    const result = await withInput(asQuery(url), () => collect(http.get(url, options)));
    t.type(result.error, RampartBlockedError, url);
    t.equal((result.error as RampartBlockedError).code, 'RAMPART_BLOCKED');
  }
  t.same(servers.internal.hits, []);
  const attacks = events.attacks();
  t.equal(attacks.length, 3);
  t.equal(attacks[1]?.attributes['network.peer.address'], '127.0.0.1');
  t.equal(attacks[1]?.attributes['server.address'], 'internal.test');
  events.reset();
});

t.test('credentials in the URL never reach the event', async (t) => {
  const url = `http://admin:hunter2@127.0.0.1:${servers.internal.port}/secret`;
  t.type(await failsWith(() => withInput(asQuery(url), () => http.get(url))), RampartBlockedError);
  t.equal(events.attacks()[0]?.attributes['url.full'], `http://127.0.0.1:${servers.internal.port}/secret`);
  events.reset();
});

t.test('benign: an allowlisted destination answers exactly as without input', async (t) => {
  const lookup = fakeDns({ 'public.test': '127.0.0.2' });
  for (const url of [`${servers.allowed.origin}/hello`, `http://public.test:${servers.allowed.port}/hello`, `${servers.allowed.origin}/status/418`, `${servers.allowed.origin}/stream`]) {
    const plain = await collect(http.get(url, { lookup }));
    const steered = await withInput(asQuery(url), () => collect(http.get(url, { lookup })));
    t.equal(steered.status, plain.status, url);
    t.equal(steered.body, plain.body);
    t.equal(steered.headers?.['x-served-by'], plain.headers?.['x-served-by']);
  }
  const body = await withInput(asQuery(servers.allowed.origin), () => {
    const req = http.request(`${servers.allowed.origin}/echo`, { method: 'POST' });
    const done = collect(req);
    req.end('payload');
    return done;
  });
  t.equal(body.body, 'payload', 'request bodies flow');
  t.equal(events.attacks().length, 0);
});

t.test('benign: network errors are unchanged', async (t) => {
  const closed = await startServer('127.0.0.2');
  await closed.close();
  const url = `http://127.0.0.2:${closed.port}/`;
  const plain = await collect(http.get(url));
  const steered = await withInput(asQuery(url), () => collect(http.get(url)));
  t.equal((steered.error as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  t.equal(steered.error?.message, plain.error?.message);
  const unknown = await withInput(asQuery('http://nowhere.test/'), () => collect(http.get('http://nowhere.test/', { lookup: fakeDns({}) })));
  t.equal((unknown.error as NodeJS.ErrnoException).code, 'ENOTFOUND');
});

t.test('DNS rebinding: each connection is judged on its own answer', async (t) => {
  let calls = 0;
  const lookup = fakeDns({ 'rebind.test': () => (calls++ === 0 ? '127.0.0.2' : '127.0.0.1') });
  const first = `http://rebind.test:${servers.allowed.port}/hello`;
  const ok = await withInput(asQuery(first), () => collect(http.get(first, { lookup, agent: false })));
  t.equal(ok.body, 'hello from 127.0.0.2');
  const second = `http://rebind.test:${servers.internal.port}/secret`;
  const refused = await withInput(asQuery(second), () => collect(http.get(second, { lookup, agent: false })));
  t.type(refused.error, RampartBlockedError);
  t.same(servers.internal.hits, []);
  events.reset();
});

t.test('a keep-alive socket the app opened to an internal host is not reused for input', async (t) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const lookup = fakeDns({ 'svc.test': '127.0.0.1' });
  // The app's own call (no input): allowed, and its socket stays in the pool.
  const own = await collect(http.get(`http://svc.test:${servers.internal.port}/own`, { agent, lookup }));
  t.equal(own.body, 'internal secret');
  const url = `http://svc.test:${servers.internal.port}/secret`;
  const refused = await withInput(asQuery(url), () => collect(http.get(url, { agent, lookup })));
  t.type(refused.error, RampartBlockedError);
  t.same(servers.internal.hits, ['/own'], 'only the app call reached the internal server');
  agent.destroy();
  events.reset();
});

t.test('a host found clean for a request is not checked again, and nothing else is skipped', async (t) => {
  const lookup = fakeDns({ 'evil.test': '127.0.0.1' });
  const attack = `http://evil.test:${servers.internal.port}/secret`;
  servers.internal.hits.length = 0;
  await withInput(asQuery('unrelated'), async () => {
    for (let i = 0; i < 3; i++) {
      const own = await collect(http.get(`${servers.internal.origin}/own`));
      t.equal(own.body, 'internal secret', `own call ${i + 1} answered`);
    }
    // The same request, another host that its inputs now control: checked, and refused.
    const refused = await withInput(asQuery(attack), () => collect(http.get(attack, { lookup })));
    t.type(refused.error, RampartBlockedError, 'an input added later is looked at');
    const again = await collect(http.get(`${servers.internal.origin}/own`));
    t.equal(again.body, 'internal secret', 'the own host, checked again with the new inputs, still answers');
  });
  t.same(servers.internal.hits, ['/own', '/own', '/own', '/own'], 'only the own calls reached the internal server');
  t.equal(events.attacks().length, 1);
  servers.internal.hits.length = 0;
  events.reset();
});

t.test('a host cleared through an allowlisted sink is still checked through another sink', async (t) => {
  stop();
  start({ ...config, allow: { sinks: ['https.request'] } });
  t.teardown(() => {
    stop();
    start(config);
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const https = require('node:https') as typeof import('node:https');
  const target = { host: '127.0.0.1', port: servers.internal.port, path: '/secret' };
  servers.internal.hits.length = 0;
  const refused = withInput({ source: 'body', name: 'host', value: '127.0.0.1' }, () => {
    const allowed = https.request(target);
    allowed.on('error', () => undefined);
    allowed.destroy();
    return failsWith(() => http.request(target));
  });
  t.type(await refused, RampartBlockedError, 'same inputs and host, another sink: refused');
  t.same(servers.internal.hits, [], 'the internal server got nothing');
  events.reset();
});

t.test('the app calling itself or its own services is never flagged', async (t) => {
  const own = await withInput(asQuery('unrelated'), () => collect(http.get(`${servers.internal.origin}/own`)));
  t.equal(own.body, 'internal secret');
  const local = await withInput(asQuery('something else'), () => collect(http.get(`http://localhost:${servers.internal.port}/own`)));
  t.equal(local.body, 'internal secret');
  t.equal(events.attacks().length, 0);
  servers.internal.hits.length = 0;
});

t.test('hooks are transparent and stop() restores them', async (t) => {
  t.equal(http.request.name, 'request');
  t.equal(http.get.length, 3);
  const wrapped = http.get;
  stop();
  t.not(http.get, wrapped);
  const url = `${servers.internal.origin}/after-stop`;
  const result = await withInput(asQuery(url), () => collect(http.get(url)));
  t.equal(result.body, 'internal secret', 'stopped: nothing is checked');
  start(config);
  servers.internal.hits.length = 0;
});

t.test('monitor mode: the request runs and one finding is reported', async (t) => {
  stop();
  start({ ...config, mode: 'monitor' });
  const lookup = fakeDns({ 'internal.test': '127.0.0.1' });
  for (const url of [`${servers.internal.origin}/m1`, `http://internal.test:${servers.internal.port}/m2`]) {
    const result = await withInput(asQuery(url), () => collect(http.get(url, { lookup })));
    t.equal(result.body, 'internal secret');
  }
  t.same(servers.internal.hits, ['/m1', '/m2']);
  const attacks = events.attacks();
  t.equal(attacks.length, 2, 'one finding per request');
  t.equal(attacks[0]?.attributes['rampart.action'], 'monitored');
  stop();
  start(config);
  events.reset();
});
