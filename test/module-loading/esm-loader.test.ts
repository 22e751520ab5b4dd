// How `--import rampart/register` installs import-in-the-middle's loader on the Node running
// the suite: module.registerHooks where it works (no DEP0205 on Node 26), module.register()
// elsewhere; only for the packages rampart hooks, and not at all when rampart is off.
import t from 'tap';
import { runChild } from '../helpers/child';

const FIXTURE = 'test/fixtures/esm-named-imports.mjs';

t.test('--import rampart/register prints no deprecation or loader warning', async (t) => {
  const result = await runChild(['--import', 'rampart/register', FIXTURE], { RAMPART_LOG_LEVEL: 'silent' });
  t.equal(result.code, 0, result.stderr);
  t.notMatch(result.stderr, /DeprecationWarning|DEP0205|ExperimentalWarning/);
  t.same(JSON.parse(result.stdout.trim().split('\n').pop()!), { request: true, fetch: true, sameAsDefault: true }, 'named imports are the hooked functions');
});

t.test('RAMPART_MODE=off: ES module imports stay unwrapped', async (t) => {
  const result = await runChild(['--import', 'rampart/register', FIXTURE], { RAMPART_MODE: 'off', RAMPART_LOG_LEVEL: 'silent' });
  t.equal(result.code, 0, result.stderr);
  t.same(JSON.parse(result.stdout.trim().split('\n').pop()!), { request: false, fetch: false, sameAsDefault: true });
});

// On the lines where the in-thread loader runs under --require (22.22.3+, 24.11.1+, 26), an
// eval script's own require('module') has no parent URL, which import-in-the-middle took for
// the app's entry point and loaded as a CommonJS file named 'module': `node -e` died with
// ENOENT (every `node -e` of a container with NODE_OPTIONS=--require rampart/register).
for (const [flag, expected] of [
  ['-e', 'evaluated /'],
  ['-p', '/'],
] as const) {
  for (const preload of ['--require', '--import'] as const) {
    t.test(`${preload} rampart/register with ${flag}: the script's require of builtins works`, async (t) => {
      const code = flag === '-e' ? "console.log('evaluated', require('node:path').sep)" : "require('node:fs') && require('path').sep";
      const result = await runChild([preload, 'rampart/register', flag, code], { RAMPART_LOG_LEVEL: 'silent' });
      t.equal(result.code, 0, result.stderr);
      t.equal(result.stdout.trim(), expected);
    });
  }
}

t.test('NODE_OPTIONS=--require rampart/register: node -e runs', async (t) => {
  const result = await runChild(['-e', "console.log(typeof require('node:module').registerHooks, require('node:fs').existsSync('.'))"], {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require rampart/register`.trim(),
    RAMPART_LOG_LEVEL: 'silent',
  });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout.trim(), /^(function|undefined) true$/);
});
