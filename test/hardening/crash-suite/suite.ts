// The crash suite's driver: starts the crash-suite app (test/fixtures/crash-suite) under
// `node --require rampart/register` and, for every sink of one family and every place a
// call can come from (a plain http handler, an Express 5 route, a nested callback), sends
// an attack (403, effect absent) and then the benign twin (200, the right data). Last, the
// app must still be up and have seen no uncaughtException or unhandledRejection.
import type { Test } from 'tap';
import { startChildApp, type ChildApp } from '../../helpers/child';
import { request } from '../../helpers/http';

export interface SinkCase {
  readonly family: string;
  readonly sink: string;
  readonly attack: string;
  readonly benign: string;
  readonly expected: string;
}

export interface Effects {
  readonly canary: boolean;
  readonly internal: { readonly secretHits: number };
  readonly tables: Record<string, boolean>;
}

export interface CrashApp {
  readonly app: ChildApp;
  /** Base URL of each server, by where the call comes from. */
  url(where: Where, c: SinkCase, value: string): string;
  json<T>(path: string): Promise<T>;
}

// A hung sink fails its own subtest, named, rather than the whole file at tap's timeout.
const REQUEST_DEADLINE_MS = 15_000;
export const send = (url: string) => request(url, { signal: AbortSignal.timeout(REQUEST_DEADLINE_MS) });

export type Where = 'plain' | 'express' | 'nested';
export const PLACES: readonly Where[] = ['plain', 'express', 'nested'];

export async function startCrashApp(t: Test, env: Record<string, string> = {}): Promise<CrashApp> {
  const app = await startChildApp(['--require', 'rampart/register', 'test/fixtures/crash-suite/app.js'], { RAMPART_LOG_LEVEL: 'silent', NEXT_TELEMETRY_DISABLED: '1', ...env });
  t.teardown(() => app.stop());
  const ports = app.lines.find((line) => typeof line.express === 'number') as { express: number };
  const expressBase = `http://127.0.0.1:${ports.express}`;
  return {
    app,
    url(where, c, value) {
      const query = new URLSearchParams({ family: c.family, sink: c.sink, v: value, ctx: where === 'nested' ? 'nested' : 'direct' });
      return `${where === 'express' ? expressBase : app.base}/run?${query}`;
    },
    async json<T>(path: string): Promise<T> {
      return (await send(`${app.base}${path}`)).json() as T;
    },
  };
}

/** Runs every sink of `family` in every place; `absent` checks the attack's effect did not happen. */
export function crashSuite(t: Test, family: string, absent: (t: Test, effects: Effects, c: SinkCase) => void): void {
  // Inside a subtest: the root test would end (and stop the app) while the suite awaits.
  void t.test(`every ${family} sink, from every place`, async (t) => runSuite(t, family, absent));
}

async function runSuite(t: Test, family: string, absent: (t: Test, effects: Effects, c: SinkCase) => void): Promise<void> {
  const crash = await startCrashApp(t);
  const cases = (await crash.json<SinkCase[]>('/__sinks')).filter((c) => c.family === family);
  t.ok(cases.length > 0, `${family} has sinks`);
  for (const c of cases) {
    await t.test(c.sink, async (t) => {
      for (const where of PLACES) {
        const attack = await send(crash.url(where, c, c.attack));
        t.equal(attack.status, 403, `${where}: the attack is answered 403`);
        t.match(attack.json(), { requestId: String }, `${where}: with rampart's block response`);
        t.notMatch(attack.text, /SECRET/, `${where}: nothing secret in the answer`);
        absent(t, await crash.json<Effects>('/__effects'), c);
        const benign = await send(crash.url(where, c, c.benign));
        t.equal(benign.status, 200, `${where}: the next benign request is answered`);
        t.same(benign.json(), { data: c.expected }, `${where}: with the right data`);
      }
    });
  }
  t.equal(crash.app.child.exitCode, null, 'the app is still up');
  t.same(await crash.json('/__stats'), { uncaughtException: 0, unhandledRejection: 0, messages: [] }, 'no uncaught exception or unhandled rejection');
}
