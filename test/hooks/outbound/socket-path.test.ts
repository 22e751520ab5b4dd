// `http.request({ socketPath })` from input: the request goes to a Unix socket the input
// names (a local daemon's API). A real HTTP server on a Unix socket in a temp dir stands
// in for it: it gets no request when the input names it, the process keeps serving, and
// the app's own socket, chosen by the app, is served.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { closeServer } from '../../helpers/http';
import { collect } from './servers';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });
t.teardown(stop);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require('node:http') as typeof import('node:http');

const dir = mkdtempSync(join(tmpdir(), 'rampart-sock-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const hits: Record<string, string[]> = { daemon: [], app: [] };
const sockets = { daemon: join(dir, 'daemon.sock'), app: join(dir, 'app.sock') };
for (const name of ['daemon', 'app'] as const) {
  const server = createServer((req, res) => {
    hits[name]!.push(req.url ?? '');
    res.end(`${name} answered`);
  });
  t.before(() => new Promise<void>((resolve) => server.listen(sockets[name], resolve)));
  t.teardown(() => closeServer(server));
}
const asQuery = (value: string) => ({ source: 'query' as const, name: 'sock', value });

t.test('the attack is real: without input the request reaches the daemon', async (t) => {
  t.equal((await collect(http.get({ socketPath: sockets.daemon, path: '/containers' }))).body, 'daemon answered');
  hits.daemon!.length = 0;
});

t.test('an input that names the socket is refused, the daemon gets nothing', async (t) => {
  events.reset();
  for (const value of [sockets.daemon, `${dir}/../${dir.split('/').pop()}/daemon.sock`, `${dir}/daemon`]) {
    const socketPath = value.endsWith('.sock') ? value : `${value}.sock`;
    const r = await withInput(asQuery(value), () => collect(http.get({ socketPath, path: '/containers' })));
    t.type(r.error, RampartBlockedError, `${value}: refused`);
    const viaUrl = await withInput(asQuery(value), () => collect(http.get('http://localhost/containers', { socketPath })));
    t.type(viaUrl.error, RampartBlockedError, `${value}: (url, options) too`);
  }
  t.same(hits.daemon, [], 'the daemon got no request');
  t.equal(events.attacks()[0]?.attributes['security_rule.name'], 'ssrf.socket-path');
});

t.test('benign twins: the app’s own socket, a plain name within the app’s directory', async (t) => {
  events.reset();
  const own = await withInput(asQuery('hello'), () => collect(http.get({ socketPath: sockets.app, path: '/hello' })));
  t.equal(own.body, 'app answered', 'a socket the app chose');
  const named = await withInput(asQuery('app'), () => collect(http.get({ socketPath: join(dir, `${'app'}.sock`), path: '/x' })));
  t.equal(named.body, 'app answered', 'a plain name under the app’s directory');
  t.equal(events.attacks().length, 0);
});
