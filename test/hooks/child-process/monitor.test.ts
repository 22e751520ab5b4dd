// Monitor mode: the same attacks the block tests refuse run to completion (which also
// proves those attacks are real), and each call is reported exactly once.
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { attempt, gitRepo, sandbox } from './sandbox';

const events = captureOtelLogs();
start({ mode: 'monitor', logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cp = require('node:child_process') as typeof import('node:child_process');
const box = sandbox();
t.teardown(box.cleanup);
const input = (value: string) => ({ source: 'query' as const, name: 'q', value });

t.beforeEach(() => {
  box.removeCanary();
  events.reset();
});

function oneFinding(t: Test, sink: string): void {
  const found = events.attacks();
  t.equal(found.length, 1, 'exactly one finding');
  t.equal(found[0]?.attributes['rampart.sink'], sink);
  t.equal(found[0]?.attributes['rampart.action'], 'monitored');
}

t.test('exec: the injected command runs, one finding', async (t) => {
  const value = `listing; touch ${box.canary}`;
  const done = new Promise<string>((resolve) => {
    const call = attempt(() => withInput(input(value), () => cp.exec(`ls ${value}`, { cwd: box.root, encoding: 'utf8' }, (_e, stdout) => resolve(stdout))));
    t.ok(call.started, 'the child process started');
  });
  t.equal(await done, 'a.txt\nb.txt\n');
  t.ok(box.canaryExists(), 'the canary was created');
  oneFinding(t, 'child_process.exec');
});

t.test('execSync: the secret is read, one finding', async (t) => {
  const value = 'listing; cat secret.txt';
  const out = withInput(input(value), () => cp.execSync(`ls ${value}`, { cwd: box.root, encoding: 'utf8' }));
  t.match(out, box.secretText);
  oneFinding(t, 'child_process.execSync');
});

t.test('promisify(exec): resolves as usual, one finding', async (t) => {
  const value = 'hi; echo PWNED-MARKER';
  const { stdout } = await withInput(input(value), () => promisify(cp.exec)(`echo ${value}`));
  t.equal(stdout, 'hi\nPWNED-MARKER\n');
  oneFinding(t, 'child_process.exec');
});

t.test('execFile git --upload-pack: git runs the command, one finding', async (t) => {
  const repo = gitRepo(box.root);
  const value = `--upload-pack=touch ${box.canary}`;
  const code = await new Promise((resolve) => withInput(input(value), () => cp.execFile('git', ['ls-remote', value], { cwd: repo.work }, (e) => resolve(e?.code))));
  t.equal(code, 128, 'git fails after running the injected upload-pack');
  t.ok(box.canaryExists(), 'the canary was created');
  oneFinding(t, 'child_process.execFile');
});
