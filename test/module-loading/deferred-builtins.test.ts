// https and http2 are patched when the app first asks for them, where module.registerHooks
// runs in the app's thread (22.22.3+, 24.11.1+, 26), and at start elsewhere (Node 20). Either
// way the app gets protected modules, however it asks: a dynamic import with a `node:` or
// bare name, require, process.getBuiltinModule, Module._load. Each case is a fresh process,
// so the way under test is the first to ask; in each, an SSRF through the module is refused
// and the internal server never hit, and the benign twin reaches it.
import t from 'tap';
import { makeCert } from '../hooks/outbound/tls-certs';
import { startChildApp, waitForLine, type ChildApp } from '../helpers/child';

const FIXTURE = 'test/fixtures/deferred-builtins.mjs';
const { key, cert } = makeCert();
const TLS = JSON.stringify({ key: key.toString(), cert: cert.toString() });

const HTTPS_WAYS = ['import https', 'import https (bare name)', 'require https', 'getBuiltinModule https', 'Module._load https'];
const HTTP2_WAYS = ['import http2', 'require http2'];
const CASES: Array<[preload: string, way: string]> = [
  ...[...HTTPS_WAYS, ...HTTP2_WAYS].map((way): [string, string] => ['--require', way]),
  ['--import', 'import https'],
  ['--import', 'import http2'],
];

async function get(app: ChildApp, path: string): Promise<{ status: number; body: Record<string, unknown> | string }> {
  const res = await fetch(`${app.base}${path}`);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: res.status, body: text };
  }
}

for (const [preload, way] of CASES) {
  t.test(`${preload} rampart/register, ${way}`, async (t) => {
    const app = await startChildApp([preload, 'rampart/register', FIXTURE, way], { DEFERRED_TLS: TLS, RAMPART_LOG_LEVEL: 'warn' });
    t.teardown(() => app.stop());
    const ready = app.lines.find((line) => typeof line.listening === 'number')!;
    const module = way.endsWith('http2') ? 'http2' : 'https';
    const loaded = ready.loadedAtStart as Record<string, boolean>;
    if (ready.inThread === true) {
      t.same(loaded, { https: false, http2: false, tls: false }, 'nothing of https, http2 or tls was loaded for rampart at start');
    } else {
      t.equal(loaded[module], true, `no loader sees every import on Node ${process.versions.node} here: ${module} was patched at start`);
    }
    t.equal(ready.wrapped, true, `the ${module} client function the app got is rampart's wrapper`);
    t.equal(ready.serverWrapped, true, `the ${module} server's emit is wrapped (request contexts)`);

    const internalUrl = `https://127.0.0.1:${ready.internalPort as number}/secret`;
    const attack = await get(app, `/fetch?url=${encodeURIComponent(internalUrl)}`);
    t.equal(attack.status, 403, 'the SSRF attempt gets the block response');
    const blocked = await waitForLine(app, (line) => line.event === 'rampart.attack');
    t.equal(blocked?.['rampart.sink'], module === 'http2' ? 'http2.connect' : 'https.request', 'reported, naming the call (https.get is reported as the request it makes)');

    const twin = await get(app, '/status');
    t.equal(twin.status, 200, 'the benign twin runs');
    const expected = module === 'http2' ? 'connected' : 'status 200 secret';
    t.same(twin.body, { outcome: expected, internalHits: 1 }, 'the internal server was hit once: by the twin, never by the attack');
    t.equal(app.child.exitCode, null, 'the app is still up');
  });
}
