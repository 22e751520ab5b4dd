// Cluster mode: `node --require rampart/register` on the primary; cluster.fork() passes
// process.execArgv to each worker, so the worker that serves requests starts rampart too
// and its sink is protected. Child processes on the built dist/.
import t from 'tap';
import { request } from '../helpers/http';
import { startChildApp } from '../helpers/child';

t.test('a forked cluster worker inherits the preload and is protected', async (t) => {
  const app = await startChildApp(['--require', 'rampart/register', 'test/fixtures/hardening-cluster.js']);
  t.teardown(() => app.stop());
  const ready = app.lines.find((l) => l.listening !== undefined)!.worker as { pid: number; execArgv: string[] };
  t.same(ready.execArgv.slice(0, 2), ['--require', 'rampart/register'], 'the worker got the preload through execArgv');

  const benign = await request(`${app.base}/?name=alice`);
  t.equal(benign.status, 200);
  t.same(benign.json(), [{ id: 1, name: 'alice' }]);
  const attack = await request(`${app.base}/?name=${encodeURIComponent("x'; DROP TABLE users; --")}`);
  t.equal(attack.status, 403, 'the attack on the worker is blocked');
  t.same((await request(`${app.base}/tables`)).json(), [{ name: 'users' }], 'table still there');

  const started = app.lines.filter((l) => l.event === 'rampart.started');
  t.same(started.map((l) => l.pid).sort(), [app.child.pid, ready.pid].sort(), 'rampart started in the primary and in the worker');
});
