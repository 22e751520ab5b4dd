// child_process is patched when the app first asks for it, where module.registerHooks runs
// in the app's thread (22.22.3+, 24.11.1+, 26), and at start elsewhere (Node 20), as https
// and http2 are (deferred-builtins.test.ts). However the app asks (a dynamic import with a
// `node:` or bare name, require, process.getBuiltinModule, Module._load, and when another
// tool's hook answers the import itself), a command injection through the exec it got is
// refused with the canary never created, the benign twin runs, and the app stays up.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startChildApp, waitForLine, type ChildApp } from '../helpers/child';

const FIXTURE = 'test/fixtures/deferred-child-process.mjs';
const SHORT_CIRCUIT = './test/fixtures/short-circuit-builtins.cjs';
const WAYS = ['import child_process', 'import child_process (bare name)', 'require child_process', 'getBuiltinModule child_process', 'Module._load child_process'];

interface Case {
  readonly title: string;
  readonly args: string[];
  readonly way: string;
  readonly env?: Record<string, string>;
  /** Where the deferral runs: is the exec the app got rampart's before any request? */
  readonly wrappedBeforeRequest: boolean;
}

const CASES: Case[] = [
  ...WAYS.map((way) => ({ title: `--require rampart/register, ${way}`, args: ['--require', 'rampart/register'], way, wrappedBeforeRequest: true })),
  { title: '--import rampart/register, import child_process', args: ['--import', 'rampart/register'], way: 'import child_process', wrappedBeforeRequest: true },
  // Another tool's hook, registered after rampart's, answers child_process itself: its
  // registration goes through rampart's module.registerHooks wrapper, which reads the answer.
  { title: "a later tool's hook answers child_process itself: rampart reads its answer", args: ['--require', 'rampart/register', '--require', SHORT_CIRCUIT], way: 'import child_process', wrappedBeforeRequest: true },
  // Registered through a reference taken before rampart started: the import is unseen, and
  // the module is patched at the next request's start, before its code runs.
  {
    title: 'a hook registered through an earlier reference hides child_process: patched at the next request',
    args: ['--require', SHORT_CIRCUIT, '--require', 'rampart/register'],
    way: 'import child_process',
    env: { SHORT_CIRCUIT_LATE: '1' },
    wrappedBeforeRequest: false,
  },
];

async function get(app: ChildApp, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${app.base}${path}`);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: res.status, body: text };
  }
}

for (const c of CASES) {
  t.test(c.title, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-deferred-cp-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const canary = join(dir, 'canary');
    // Without tap's preload, which loads child_process itself (to follow the test's children).
    const app = await startChildApp([...c.args, FIXTURE, c.way], { RAMPART_LOG_LEVEL: 'warn', ...c.env }, { withoutRunnerPreloads: true });
    t.teardown(() => app.stop());
    const ready = app.lines.find((line) => typeof line.listening === 'number')!;
    if (ready.inThread !== true) {
      t.equal(ready.loadedAtStart, true, `no loader sees every import on Node ${process.versions.node} here: child_process was patched at start`);
      t.equal(ready.wrapped, true, "the exec the app got is rampart's wrapper");
    } else {
      t.equal(ready.loadedAtStart, false, 'child_process was not loaded for rampart at start');
      t.equal(ready.wrapped, c.wrappedBeforeRequest, c.wrappedBeforeRequest ? "the exec the app got is rampart's wrapper" : 'the import went unseen');
    }

    const attack = await get(app, `/greet?name=${encodeURIComponent(`world; touch ${canary}`)}`);
    t.equal(attack.status, 403, 'the command injection gets the block response');
    const blocked = await waitForLine(app, (line) => line.event === 'rampart.attack');
    t.equal(blocked?.['rampart.sink'], 'child_process.exec', 'reported, naming the call');
    t.notOk(existsSync(canary), 'the injected command never ran: no canary');
    t.same((await get(app, '/wrapped')).body, { wrapped: true }, "the exec is rampart's wrapper now");

    const twin = await get(app, '/greet?name=world');
    t.equal(twin.status, 200, 'the benign twin runs');
    t.same(twin.body, { outcome: 'Hello world' }, 'with the output of its command');
    t.equal(app.child.exitCode, null, 'the app is still up');
  });
}
