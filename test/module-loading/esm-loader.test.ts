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
