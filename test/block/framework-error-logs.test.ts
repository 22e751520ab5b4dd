// Koa and Fastify with their default error logging (real packages, child processes, output
// captured): a blocked request prints no error (koa's app.onerror, fastify's request logger),
// while the app's own failure still prints with its stack; the client gets the 403, the
// attack did not run, the benign twin works and the process stays up. Both the current
// majors and the previous ones (koa 2, fastify 4, test/fixtures/legacy-frameworks).
import t, { type Test } from 'tap';
import { startChildApp, type ChildApp } from '../helpers/child';
import { request } from '../helpers/http';

const ATTACK = `name=${encodeURIComponent("x'; DROP TABLE users; --")}`;

/** Polls until the app's output shows `pattern` (the test timeout bounds it). */
async function outputShows(read: () => string, pattern: RegExp): Promise<void> {
  while (!pattern.test(read())) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function blockedThenOwnFailure(t: Test, child: ChildApp, attackPaths: string[]): Promise<void> {
  for (const path of attackPaths) {
    const blocked = await request(`${child.base}${path}?${ATTACK}`);
    t.equal(blocked.status, 403, `${path}: blocked`);
    t.equal((blocked.json() as { error: string }).error, 'Forbidden');
  }
  t.same((await request(`${child.base}/tables`)).json(), ['users'], 'the table survived');
  t.same((await request(`${child.base}/users?name=alice`)).json(), ['alice', 'bob'], 'benign twin works');
  t.equal((await request(`${child.base}/boom`)).status, 500, "the app's own error is a 500");
  t.equal(child.child.exitCode, null, 'process still up');
}

/** stdout as text: fastify's pino lines (JSON) plus anything else. */
function stdoutText(child: ChildApp): string {
  return child.lines.map((l) => JSON.stringify(l)).join('\n');
}

for (const legacy of [false, true]) {
  const major = legacy ? 'previous major' : 'current major';

  t.test(`koa (${major}): app.onerror prints the app's own error, not the refusal`, async (t) => {
    const child = await startChildApp(['test/fixtures/koa-fastify-error-log.js'], { FRAMEWORK: 'koa', LEGACY: legacy ? '1' : '0', NODE_ENV: 'production' });
    t.teardown(() => child.stop());
    await blockedThenOwnFailure(t, child, ['/users']);
    // stderr is one ordered stream: once the later failure is printed, the refusal's would be too.
    await outputShows(child.stderr, /the app own failure/);
    t.notMatch(child.stderr(), /RampartBlocked|rampart blocked/, 'no error printed for the blocked request');
    t.match(child.stderr(), /Error: the app own failure\n\s+at /, "the app's own error is printed with its stack");
  });

  t.test(`fastify (${major}): the request logger records the app's own error, not the refusal`, async (t) => {
    const child = await startChildApp(['test/fixtures/koa-fastify-error-log.js'], { FRAMEWORK: 'fastify', LEGACY: legacy ? '1' : '0' });
    t.teardown(() => child.stop());
    // An async route (rejection after the reply was sent) and a synchronous one (a throw).
    await blockedThenOwnFailure(t, child, ['/users', '/users-sync']);
    await outputShows(() => stdoutText(child), /the app own failure/);
    const records = child.lines.filter((l) => typeof l.level === 'number');
    const completed = records.filter((l) => l.msg === 'request completed').map((l) => (l.res as { statusCode: number }).statusCode);
    t.same(completed.slice(0, 2), [403, 403], 'the blocked requests are logged as completed 403s');
    const loud = records.filter((l) => (l.level as number) >= 40);
    t.same(
      loud.map((l) => (l.err as { message?: string } | undefined)?.message),
      ['the app own failure'],
      "the only warning or error is the app's own failure (no refusal, no 'reply already sent')",
    );
    t.match((loud[0]?.err as { stack?: string } | undefined)?.stack, /Error: the app own failure\n\s+at /, 'with its stack');
  });
}
