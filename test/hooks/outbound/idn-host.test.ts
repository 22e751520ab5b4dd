// Internationalized host names: the URL parser connects to the punycode form
// (`intérne.test` -> `xn--intrne-dva.test`), which the input does not spell. The input
// must still count as choosing the host, so the DNS answer is judged: an internal answer
// is refused with the internal server untouched; an allowed answer is served.
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { collect, fakeDns, loopbackServers } from './servers';

start({ mode: 'block', logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require('node:http') as typeof import('node:http');
const servers = loopbackServers(t);
const asQuery = (value: string) => ({ source: 'query' as const, name: 'q', value });

const INTERNAL = new URL('http://intérne.test/').hostname; // what DNS is asked for
const PUBLIC = new URL('http://öffentlich.test/').hostname;
const lookup = fakeDns({ [INTERNAL]: '127.0.0.1', [PUBLIC]: '127.0.0.2', [`${new URL('http://kündé.example.test').hostname}`]: '127.0.0.1' });

t.test('the name the parser looks up is the punycode form', async (t) => {
  t.equal(INTERNAL, 'xn--intrne-dva.test');
});

t.test('an IDN host from the input, in every spelling, is judged at DNS time', async (t) => {
  for (const [value, url] of [
    ['http://intérne.test/secret', (p: number) => `http://intérne.test:${p}/secret`],
    ['intérne.test', (p: number) => `http://intérne.test:${p}/secret`],
    ['http://INTÉRNE.test/', (p: number) => `http://INTÉRNE.test:${p}/secret`],
    ['kündé', (p: number) => `http://kündé.example.test:${p}/secret`],
  ] as const) {
    const target = url(servers.internal.port);
    const r = await withInput(asQuery(value), () => collect(http.get(target, { lookup })));
    t.type(r.error, RampartBlockedError, `${value}: refused`);
    t.same(servers.internal.hits, [], `${value}: internal server untouched`);
  }
});

t.test('benign twin: an IDN host answering with an allowed address is served', async (t) => {
  const r = await withInput(asQuery('http://öffentlich.test/hello'), () => collect(http.get(`http://öffentlich.test:${servers.allowed.port}/hello`, { lookup })));
  t.equal(r.body, 'hello from 127.0.0.2');
  const plain = await collect(http.get(`http://intérne.test:${servers.internal.port}/secret`, { lookup }));
  t.equal(plain.body, 'internal secret', "without input the app's own IDN call is its business");
});
