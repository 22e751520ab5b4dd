// Worker threads: the --require preload protects the main thread only (it runs in every
// thread but stands down off the main one); a Worker is protected once it calls
// require('rampart').start() itself. Child process on the built dist/.
import t from 'tap';
import { runChild } from '../helpers/child';

interface Outcome {
  readonly blocked: boolean;
  readonly tableThere: boolean;
}

t.test('main thread protected by the preload; a worker only after its own start()', async (t) => {
  const { code, stdout, stderr } = await runChild(['--require', 'rampart/register', 'test/fixtures/hardening-worker.js']);
  t.equal(code, 0, stderr);
  const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const { main, plainWorker, startedWorker } = lines.find((l) => l.result !== undefined)!.result as Record<string, Outcome>;
  t.same(main, { blocked: true, tableThere: true }, 'main thread: blocked, table intact');
  t.same(plainWorker, { started: false, blocked: false, tableThere: false }, 'a worker that did not start rampart is not protected: the DROP ran');
  t.same(startedWorker, { started: true, blocked: true, tableThere: true }, "a worker that called require('rampart').start(): blocked, table intact");
  const started = lines.filter((l) => l.event === 'rampart.started');
  t.equal(started.length, 1, 'the preload started the agent once, on the main thread (the worker started silently)');
});
