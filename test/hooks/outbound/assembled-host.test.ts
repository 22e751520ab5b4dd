// A destination host assembled from several inputs, none of which names it alone, and a
// proxy route whose path words name the target: over HTTP against a real app server, the
// internal server gets no request, the benign twins are served, the app keeps serving.
import { createServer, type Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../../src/index';
import { closeServer, listen, request } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { loopbackServers } from './servers';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);
/* eslint-disable @typescript-eslint/no-require-imports */
const express = require('express') as typeof import('express');
/* eslint-enable @typescript-eslint/no-require-imports */
const servers = loopbackServers(t);

/** Answers with the upstream's body, or 502 when the call failed (the app's own handling). */
function relay(res: import('node:http').ServerResponse, url: string): void {
  fetch(url).then(
    async (r) => res.end(await r.text()),
    () => {
      if (!res.headersSent) res.writeHead(502).end();
    },
  );
}

// `/sub?sub=..&domain=..&port=..`: `http://${sub}.${domain}:${port}/secret`.
// `/join?a=..&b=..&port=..`: `http://${a}${b}:${port}/secret`.
// `/proxy/<host words>/<port>/<path>`: the path read by hand, `http://${words}:${port}/${path}`.
// `/status/<word>`: the app's own health check of its own service, whatever the word.
const app: Server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = (name: string) => url.searchParams.get(name) ?? '';
  if (url.pathname === '/sub') return relay(res, `http://${q('sub')}.${q('domain')}:${q('port')}/secret`);
  if (url.pathname === '/join') return relay(res, `http://${q('a')}${q('b')}:${q('port')}/secret`);
  if (url.pathname.startsWith('/proxy/')) {
    const words = url.pathname.split('/').slice(2);
    const portAt = words.findIndex((w) => /^\d{2,5}$/.test(w) && Number(w) > 255);
    return relay(res, `http://${words.slice(0, portAt).join('.')}:${words[portAt]}/${words.slice(portAt + 1).join('/')}`);
  }
  if (url.pathname.startsWith('/status/')) return relay(res, `http://localhost:${servers.internal.port}/health`);
  res.writeHead(404).end();
});
const framework = express();
framework.get('/fwd/:host/:port/:rest', (req, res) => {
  fetch(`http://${req.params.host}:${req.params.port}/${req.params.rest}`).then(
    async (r) => res.send(await r.text()),
    () => {
      if (!res.headersSent) res.status(502).end();
    },
  );
});
let base = '';
let fwBase = '';
let fwServer: Server;
t.before(async () => {
  base = await listen(app);
  fwServer = createServer(framework);
  fwBase = await listen(fwServer);
});
t.teardown(() => Promise.all([closeServer(app), closeServer(fwServer)]));

t.test('the attack is real without rampart’s rule: the routes reach the internal server', async (t) => {
  // Outside any request the app's code path is the same: the assembled URL is the internal one.
  const port = servers.internal.port;
  t.equal(await (await fetch(`http://${'127.0'}.${'0.1'}:${port}/secret`)).text(), 'internal secret');
  servers.internal.hits.length = 0;
});

t.test('a host assembled from several inputs is refused', async (t) => {
  events.reset();
  const port = servers.internal.port;
  for (const path of [`/sub?sub=127.0&domain=0.1&port=${port}`, `/sub?sub=127.0.0&domain=1&port=${port}`, `/join?a=loc&b=alhost&port=${port}`, `/join?a=127.0.&b=0.1&port=${port}`]) {
    const r = await request(`${base}${path}`);
    t.equal(r.status, 403, `${path}: refused`);
    t.notMatch(r.text, /internal secret/);
  }
  t.same(servers.internal.hits, [], 'the internal server got nothing');
  t.equal(events.attacks()[0]?.attributes['security_rule.name'], 'ssrf.internal-address');
  const benign = await request(`${base}/sub?sub=127.0&domain=0.2&port=${servers.allowed.port}`);
  t.equal(benign.text, 'hello from 127.0.0.2', 'benign twin: the same route to the allowed host');
});

t.test('a proxy route whose path words name the target is refused', async (t) => {
  events.reset();
  const port = servers.internal.port;
  for (const path of [`/proxy/localhost/${port}/secret`, `/proxy/127/0/0/1/${port}/secret`, `/proxy/LOCALHOST/${port}/secret`]) {
    const r = await request(`${base}${path}`);
    t.equal(r.status, 403, `${path}: refused`);
  }
  t.same(servers.internal.hits, [], 'the internal server got nothing');
  t.equal(events.attacks()[0]?.attributes['rampart.input.source'], 'path');
  t.equal(events.attacks()[0]?.attributes['rampart.input.path'], `localhost/${port}`);
  const fw = await request(`${fwBase}/fwd/localhost/${port}/secret`);
  t.equal(fw.status, 403, 'express route parameters: refused');
  t.same(servers.internal.hits, [], 'the internal server got nothing');
  const benign = await request(`${base}/proxy/127/0/0/2/${servers.allowed.port}/hello`);
  t.equal(benign.text, 'hello from 127.0.0.2', 'benign twin: the allowed host through the proxy route');
  const fwBenign = await request(`${fwBase}/fwd/127.0.0.2/${servers.allowed.port}/hello`);
  t.equal(fwBenign.text, 'hello from 127.0.0.2', 'benign twin through express');
});

t.test('a route word equal to the host the app calls, with no port after it, stays the app’s', async (t) => {
  events.reset();
  const r = await request(`${base}/status/localhost`);
  t.equal(r.text, 'internal secret', 'the app’s own call to its service is served');
  t.equal(events.attacks().length, 0, 'no finding');
  t.same(servers.internal.hits, ['/health']);
  servers.internal.hits.length = 0;
});
