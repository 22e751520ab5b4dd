// End to end over HTTP: an express route that fetches `req.query.url` (a classic SSRF).
import type { Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../../src/index';
import { closeServer, listen, request } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { startServer, type TestServer } from './servers';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');

const app = express();
app.get('/preview', async (req, res) => {
  const upstream = await fetch(String(req.query.url));
  res.status(upstream.status).type('text/plain').send(`preview: ${await upstream.text()}`);
});
// The app's own error handling: without rampart's block response this would be a 500.
app.use((err: Error, _req: import('express').Request, res: import('express').Response, _next: import('express').NextFunction) => {
  res.status(500).send(`upstream failed: ${err.message}`);
});

let internal: TestServer;
let allowed: TestServer;
let base = '';
let server: Server;
t.before(async () => {
  internal = await startServer('127.0.0.1');
  allowed = await startServer('127.0.0.2');
  server = app.listen(0, '127.0.0.1');
  server.close();
  base = await listen(server);
});
t.teardown(() => Promise.all([internal.close(), allowed.close(), closeServer(server)]));

t.test('fetching an internal URL from the query string gets a 403, the secret stays inside', async (t) => {
  const res = await request(`${base}/preview?url=${encodeURIComponent(`http://127.0.0.1:${internal.port}/secret`)}`);
  t.equal(res.status, 403);
  t.notMatch(res.text, /internal secret|upstream failed/);
  const body = res.json() as { requestId: string };
  t.same(internal.hits, [], 'the internal server got no request');
  const [event] = events.attacks();
  t.equal(event?.attributes['rampart.request.id'], body.requestId);
  t.equal(event?.attributes['rampart.sink'], 'fetch');
  t.equal(event?.attributes['rampart.input.source'], 'query');
  t.equal(event?.attributes['rampart.input.path'], 'url');
  t.equal(event?.attributes['url.path'], '/preview');
  events.reset();
});

t.test('the same through a name and through a redirect', async (t) => {
  const named = await request(`${base}/preview?url=${encodeURIComponent(`http://localhost:${internal.port}/secret`)}`);
  t.equal(named.status, 403);
  allowed.bounceTo = `http://127.0.0.1:${internal.port}/secret`;
  const bounced = await request(`${base}/preview?url=${encodeURIComponent(`${allowed.origin}/bounce`)}`);
  t.equal(bounced.status, 403);
  t.same(internal.hits, []);
  events.reset();
});

t.test('an allowlisted URL works as usual', async (t) => {
  const res = await request(`${base}/preview?url=${encodeURIComponent(`${allowed.origin}/hello`)}`);
  t.equal(res.status, 200);
  t.equal(res.text, 'preview: hello from 127.0.0.2');
  const teapot = await request(`${base}/preview?url=${encodeURIComponent(`${allowed.origin}/status/418`)}`);
  t.equal(teapot.status, 418);
  t.equal(events.attacks().length, 0);
});
