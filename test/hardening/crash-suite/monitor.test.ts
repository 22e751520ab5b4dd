// Crash suite, monitor mode: the same attacks are only reported; each call runs as it
// would without rampart (the effect happens), and the app sees no refusal at all.
import t from 'tap';
import { send, startCrashApp, type Effects, type SinkCase } from './suite';

const RAN: Record<string, { data: (c: SinkCase) => string; effect: (effects: Effects) => boolean }> = {
  'command/exec': { data: () => 'hello', effect: (e) => e.canary },
  'path/readFile': { data: () => 'SECRET-7f3a', effect: () => true },
  'ssrf/http.get': { data: () => 'INTERNAL-SECRET', effect: (e) => e.internal.secretHits === 1 },
  // sqlite3's all() runs the first statement of a stacked query.
  'sql/sqlite3': { data: () => 'alpha', effect: () => true },
};

void t.test('attacks run as without rampart, and are reported', async (t) => {
  const crash = await startCrashApp(t, { RAMPART_MODE: 'monitor' });
  const cases = (await crash.json<SinkCase[]>('/__sinks')).filter((c) => RAN[`${c.family}/${c.sink}`] !== undefined);
  t.equal(cases.length, Object.keys(RAN).length);
  for (const c of cases) {
    const expect = RAN[`${c.family}/${c.sink}`]!;
    const res = await send(crash.url('plain', c, c.attack));
    t.equal(res.status, 200, `${c.sink}: not blocked`);
    t.same(res.json(), { data: expect.data(c) }, `${c.sink}: the call ran as without rampart`);
    t.ok(expect.effect(await crash.json<Effects>('/__effects')), `${c.sink}: its effect happened`);
  }
  t.same(await crash.json('/__stats'), { uncaughtException: 0, unhandledRejection: 0, messages: [] });
});
