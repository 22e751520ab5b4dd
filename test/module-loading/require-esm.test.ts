// A CommonJS entry that loads an ES module through require(esm) (unflagged since Node
// 20.19 and 22.12), whose `import` of better-sqlite3 is what reaches the sink. Where
// module.registerHooks runs import-in-the-middle's loader (src/esm-loader.ts) both preloads
// instrument that import through it; on every line, better-sqlite3 being CommonJS, Node
// loads it through Module.prototype.load, where rampart's load hook patches it
// (src/hooks/load-hook.ts), so the import is protected under either preload.
import t, { type Test } from 'tap';
import { inThreadLoaderSupported } from '../../src/esm-loader';
import { startChildApp, type ChildApp } from '../helpers/child';
import { request } from '../helpers/http';

const ATTACK = `/?name=${encodeURIComponent("x'; DROP TABLE users; --")}`;
const FIXTURE = 'test/fixtures/require-esm.cjs';

/** The attack is refused with 403, the table survives, the benign twin answers and the app is still up. */
async function provesProtection(t: Test, app: ChildApp): Promise<void> {
  const attack = await request(`${app.base}${ATTACK}`);
  t.equal(attack.status, 403, 'attack blocked with 403');
  t.same((await request(`${app.base}/tables`)).json(), [{ name: 'users' }], 'users table still there');
  const benign = await request(`${app.base}/?name=alice`);
  t.equal(benign.status, 200, 'app still up');
  t.same(benign.json(), [{ id: 1, name: 'alice' }]);
}

for (const preload of ['--require', '--import']) {
  t.test(`require(esm) under ${preload} rampart/register`, async (t) => {
    const app = await startChildApp([preload, 'rampart/register', FIXTURE]);
    t.teardown(() => app.stop());
    await provesProtection(t, app);
    if (inThreadLoaderSupported()) {
      t.equal(app.lines.find((l) => l.event === 'rampart.started')?.esm, true, 'the start line says ES module imports are hooked');
    }
  });
}
