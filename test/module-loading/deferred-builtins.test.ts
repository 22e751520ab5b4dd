// https and http2 are patched when the app first asks for them, where module.registerHooks
// runs in the app's thread (22.22.3+, 24.11.1+, 26), and at start elsewhere (Node 20). Either
// way the app gets protected modules, however it asks: a dynamic import with a `node:` or
// bare name, require, process.getBuiltinModule, Module._load, and when another tool's hook
// answers the import itself. Each case is a fresh process, so the way under test is the
// first to ask; in each, an SSRF through the module is refused and the internal server
// never hit, and the benign twin reaches it.
import t from 'tap';
import { makeCert } from '../hooks/outbound/tls-certs';
import { startChildApp, waitForLine, type ChildApp } from '../helpers/child';

const FIXTURE = 'test/fixtures/deferred-builtins.mjs';
const { key, cert } = makeCert();
const TLS = JSON.stringify({ key: key.toString(), cert: cert.toString() });

const HTTPS_WAYS = ['import https', 'import https (bare name)', 'require https', 'getBuiltinModule https', 'Module._load https'];
const HTTP2_WAYS = ['import http2', 'require http2'];
const SHORT_CIRCUIT = './test/fixtures/short-circuit-builtins.cjs';

interface Case {
  readonly title: string;
  readonly args: string[];
  readonly way: string;
  readonly env?: Record<string, string>;
  /** Where the deferral runs: was the module already patched when the app began? */
  readonly patchedBeforeApp: boolean;
  /** Where the deferral runs: is the function the app got rampart's before any request? */
  readonly wrappedBeforeRequest: boolean;
}

const CASES: Case[] = [
  ...[...HTTPS_WAYS, ...HTTP2_WAYS].map((way) => ({ title: `--require rampart/register, ${way}`, args: ['--require', 'rampart/register'], way, patchedBeforeApp: false, wrappedBeforeRequest: true })),
  ...['import https', 'import http2'].map((way) => ({ title: `--import rampart/register, ${way}`, args: ['--import', 'rampart/register'], way, patchedBeforeApp: false, wrappedBeforeRequest: true })),
  // Another tool's hook, registered after rampart's, answers https and http2 itself, never
  // passing them on: its registration goes through rampart's module.registerHooks wrapper,
  // which reads that hook's answers.
  ...['import https', 'import http2'].map((way) => ({
    title: `a later tool's hook answers ${way.split(' ')[1]} itself: rampart reads its answer`,
    args: ['--require', 'rampart/register', '--require', SHORT_CIRCUIT],
    way,
    patchedBeforeApp: false,
    wrappedBeforeRequest: true,
  })),
  // The same hook registered through a reference taken before rampart started: the import is
  // unseen, and the module is patched at the next request's start, before its code runs.
  ...['import https', 'import http2'].map((way) => ({
    title: `a hook registered through an earlier reference hides ${way.split(' ')[1]}: patched at the next request`,
    args: ['--require', SHORT_CIRCUIT, '--require', 'rampart/register'],
    way,
    env: { SHORT_CIRCUIT_LATE: '1' },
    patchedBeforeApp: false,
    wrappedBeforeRequest: false,
  })),
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

for (const c of CASES) {
  t.test(c.title, async (t) => {
    const app = await startChildApp([...c.args, FIXTURE, c.way], { DEFERRED_TLS: TLS, RAMPART_LOG_LEVEL: 'warn', ...c.env });
    t.teardown(() => app.stop());
    const ready = app.lines.find((line) => typeof line.listening === 'number')!;
    const module = c.way.endsWith('http2') ? 'http2' : 'https';
    const loaded = ready.loadedAtStart as Record<string, boolean>;
    if (ready.inThread !== true) {
      t.equal(loaded[module], true, `no loader sees every import on Node ${process.versions.node} here: ${module} was patched at start`);
      t.equal(ready.wrapped, true, `the ${module} client function the app got is rampart's wrapper`);
    } else if (c.patchedBeforeApp) {
      t.equal(loaded[module], true, `${module} was patched before the app began`);
      t.equal(ready.wrapped, true, `the ${module} client function the app got is rampart's wrapper`);
    } else {
      t.same([loaded.https, loaded.http2, loaded.tls], [false, false, false], 'nothing of https, http2 or tls was loaded for rampart at start');
      t.equal(ready.wrapped, c.wrappedBeforeRequest, c.wrappedBeforeRequest ? `the ${module} client function the app got is rampart's wrapper` : 'the import went unseen');
    }

    const internalUrl = `https://127.0.0.1:${ready.internalPort as number}/secret`;
    const attack = await get(app, `/fetch?url=${encodeURIComponent(internalUrl)}`);
    t.equal(attack.status, 403, 'the SSRF attempt gets the block response');
    const blocked = await waitForLine(app, (line) => line.event === 'rampart.attack');
    t.equal(blocked?.['rampart.sink'], module === 'http2' ? 'http2.connect' : 'https.request', 'reported, naming the call (https.get is reported as the request it makes)');
    t.same((await get(app, '/wrapped')).body, { wrapped: true }, `the ${module} function is rampart's wrapper now`);
    t.equal(ready.serverWrapped === true || c.wrappedBeforeRequest === false, true, `the ${module} server's emit is wrapped (request contexts)`);

    const twin = await get(app, '/status');
    t.equal(twin.status, 200, 'the benign twin runs');
    const expected = module === 'http2' ? 'connected' : 'status 200 secret';
    t.same(twin.body, { outcome: expected, internalHits: 1 }, 'the internal server was hit once: by the twin, never by the attack');
    t.equal(app.child.exitCode, null, 'the app is still up');
  });
}
