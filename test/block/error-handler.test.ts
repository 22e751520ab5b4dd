// rampart.errorHandler() in a real Express app (child process, stderr captured): blocked
// requests no longer print a stack through Express's default handler, the app's own errors
// still do, the client gets the 403 and the attack did not run.
import t, { type Test } from 'tap';
import { startChildApp, type ChildApp } from '../helpers/child';
import { request } from '../helpers/http';

const ATTACK = `/users?name=${encodeURIComponent("x'; DROP TABLE users; --")}`;

/** Express prints from a setImmediate after answering: wait for the line (the test timeout bounds it). */
async function stderrShows(child: ChildApp, pattern: RegExp): Promise<void> {
  while (!pattern.test(child.stderr())) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function app(withHandler: boolean): Promise<ChildApp> {
  // production: Express's default handler stays quiet only when NODE_ENV is 'test'.
  return startChildApp(['test/fixtures/express-error-handler.js'], { WITH_HANDLER: withHandler ? '1' : '0', NODE_ENV: 'production' });
}

/** Both requests answered, so whatever the default handler printed for them is in stderr. */
async function attackThenOwnFailure(t: Test, child: ChildApp): Promise<void> {
  const blocked = await request(`${child.base}${ATTACK}`);
  t.equal(blocked.status, 403);
  t.equal((blocked.json() as { error: string }).error, 'Forbidden');
  t.same((await request(`${child.base}/tables`)).json(), ['users'], 'the table survived');
  t.same((await request(`${child.base}/users?name=alice`)).json(), ['alice', 'bob'], 'benign twin works');
  const own = await request(`${child.base}/boom`);
  t.equal(own.status, 500, "the app's own error still gets Express's 500");
  t.equal(child.child.exitCode, null, 'process still up');
}

t.test('without errorHandler(): every blocked request prints a stack (the noise being fixed)', async (t) => {
  const child = await app(false);
  t.teardown(() => child.stop());
  await attackThenOwnFailure(t, child);
  await stderrShows(child, /the app own failure/);
  t.match(child.stderr(), /RampartBlockedError: rampart blocked a sql injection attempt/);
});

t.test('with errorHandler(): blocked requests are quiet, the app own errors are not', async (t) => {
  const child = await app(true);
  t.teardown(() => child.stop());
  await attackThenOwnFailure(t, child);
  // stderr is one ordered stream: once the later failure is printed, the blocked request's would be too.
  await stderrShows(child, /the app own failure/);
  t.notMatch(child.stderr(), /RampartBlocked/, 'no stack for the blocked request');
  t.match(child.stderr(), /Error: the app own failure\n\s+at /, 'the app own error is still printed with its stack');
});
