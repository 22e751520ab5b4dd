// Headers the server writes on the request itself are not the client's input (Next.js sets
// x-forwarded-for/-host/-port/-proto with `??=` before the app runs): a plain http server
// doing the same must be able to call its own loopback service, while the same header
// sent by the client stays an input like any other.
import { createServer, get, type Server } from 'node:http';
import { connect } from 'node:net';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen, request, serveOnLoopback } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { clientHeaderNames } from '../../src/context/client-headers';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

const hits: string[] = [];
const internal: Server = createServer((req, res) => {
  hits.push(req.url ?? '');
  res.end('internal');
});
let internalBase = '';
t.before(async () => {
  internalBase = await listen(internal);
});
t.teardown(() => closeServer(internal));

const app: Server = createServer((req, res) => {
  // What Next's server does before handing the request to the app.
  req.headers['x-forwarded-for'] ??= req.socket.remoteAddress;
  req.headers['x-forwarded-host'] ??= req.headers.host;
  get(`${internalBase}/status`, (up) => {
    up.resume();
    up.on('end', () => res.end(`up ${up.statusCode}`));
  }).on('error', (err) => {
    if (!res.headersSent) res.writeHead(500).end(err.message);
  });
});
const site = serveOnLoopback(t, app);

t.test("the server's own forwarding headers do not steer its call to a loopback service", async (t) => {
  const res = await request(`${site.base}/`);
  t.equal(res.status, 200);
  t.equal(res.text, 'up 200');
  t.same(hits, ['/status']);
  t.same(events.attacks(), []);
});

t.test('a client-sent x-forwarded-for naming that host is input: refused, service not hit', async (t) => {
  const res = await request(`${site.base}/`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
  t.equal(res.status, 403);
  t.same(hits, ['/status'], 'no second hit');
  t.match(events.attacks()[0]?.attributes, { 'rampart.input.source': 'headers', 'rampart.input.path': 'x-forwarded-for' });
  t.equal((await request(`${site.base}/`)).text, 'up 200', 'the server still answers');
  events.reset();
});

t.test('clientHeaderNames reads the wire list, lower-cased; no list or no added header, no filter', async (t) => {
  t.same([...clientHeaderNames({ rawHeaders: ['Host', 'a', 'X-Forwarded-For', 'b', 'host', 'c'] }, 4)!], ['host', 'x-forwarded-for']);
  t.equal(clientHeaderNames({ rawHeaders: ['Host', 'a', 'X-Forwarded-For', 'b'] }, 2), undefined, 'as many names as on the wire: nothing was added');
  t.equal(clientHeaderNames({}, 3), undefined);
  t.equal(clientHeaderNames({ rawHeaders: 'Host: a' }, 3), undefined);
});

t.test('a repeated client header cannot hide an added one from being input: it only makes it input again', async (t) => {
  // Three x-a lines on the wire (two repeats) and two headers the server added: the counts
  // even out and nothing is filtered.
  // Raw lines: fetch would fold the repeats into one header.
  const before = hits.length;
  const { port } = new URL(site.base);
  const socket = connect(Number(port), '127.0.0.1');
  socket.end(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-a: 1\r\nx-a: 2\r\nx-a: 3\r\nConnection: close\r\n\r\n`);
  let answer = '';
  for await (const chunk of socket) answer += String(chunk);
  t.match(answer, /^HTTP\/1\.1 403 /, "the server's own x-forwarded-for is input again for this request: a false positive, not a bypass");
  t.equal(hits.length, before, 'the service was not hit');
  t.equal((await request(`${site.base}/`)).text, 'up 200');
  events.reset();
});
