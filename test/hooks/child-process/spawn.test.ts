// spawn and spawnSync, with and without a shell: events, streams, exit codes and signals
// are untouched for benign input; attacks never start a process.
import { once } from 'node:events';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { gitRepo, refusedCall, sandbox } from './sandbox';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cp = require('node:child_process') as typeof import('node:child_process');
const box = sandbox();
t.teardown(box.cleanup);
const repo = gitRepo(box.root);

const field = (value: string) => ({ source: 'body' as const, name: 'name', value });

/** Every event of a child in order, with stdout, until 'close'. */
async function observe(child: import('node:child_process').ChildProcess): Promise<{ order: string[]; stdout: string; exit: unknown[]; close: unknown[] }> {
  const order: string[] = [];
  let stdout = '';
  let exit: unknown[] = [];
  child.on('spawn', () => order.push('spawn'));
  child.on('exit', (...args) => {
    order.push('exit');
    exit = args;
  });
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const close = await once(child, 'close');
  order.push('close');
  return { order, stdout, exit, close };
}

t.test('spawn without a shell: spawn, exit, close in order; exit code and stdout unchanged', async (t) => {
  const child = withInput(field('tom'), () => cp.spawn('node', ['-e', 'process.stdout.write("hi " + process.argv[1]); process.exit(3)', 'tom']));
  const seen = await observe(child);
  t.same(seen.order, ['spawn', 'exit', 'close']);
  t.same(seen.exit, [3, null]);
  t.same(seen.close, [3, null]);
  t.equal(seen.stdout, 'hi tom');
  t.equal(events.attacks().length, 0);
});

t.test('signals pass through: a child killed by SIGTERM reports it', async (t) => {
  const child = withInput(field('tom'), () => cp.spawn('node', ['-e', 'setInterval(() => {}, 1000); process.stdout.write("ready")', 'tom']));
  child.stdout!.once('data', () => child.kill('SIGTERM'));
  const seen = await observe(child);
  t.same(seen.exit, [null, 'SIGTERM']);
  t.equal(child.signalCode, 'SIGTERM');
});

t.test('spawn with shell: true checks the joined command line', async (t) => {
  const ok = await observe(withInput(field('listing'), () => cp.spawn('ls', ['listing'], { shell: true, cwd: box.root })));
  t.equal(ok.stdout, 'a.txt\nb.txt\n');
  t.same(ok.order, ['spawn', 'exit', 'close']);

  const input = `listing | touch ${box.canary}`;
  const call = await refusedCall(() => withInput(field(input), () => cp.spawn('ls', [input], { shell: true, cwd: box.root })));
  t.type(call.error, RampartBlockedError);
  t.equal((call.error as RampartBlockedError).sink, 'child_process.spawn');
  t.notOk(call.started);
  t.notOk(box.canaryExists());

  // Attack in the file part, with a shell path.
  const viaBash = await refusedCall(() => withInput(field(`echo $(touch ${box.canary})`), () => cp.spawn(`echo $(touch ${box.canary})`, { shell: '/bin/bash' })));
  t.type(viaBash.error, RampartBlockedError);
  t.notOk(viaBash.started);
  t.notOk(box.canaryExists());
  const attrs = events.attacks().map((e) => e.attributes['process.executable.name']);
  t.same(attrs, ['sh', 'bash']);
  events.reset();
});

t.test('spawn without a shell: argument injection blocked, sh -c script checked', async (t) => {
  const ok = await observe(withInput(field('origin'), () => cp.spawn('git', ['ls-remote', 'origin'], { cwd: repo.work })));
  t.equal(ok.stdout, repo.refs);

  const option = `--upload-pack=touch ${box.canary}`;
  const call = await refusedCall(() => withInput(field(option), () => cp.spawn('git', ['ls-remote', option], { cwd: repo.work })));
  t.type(call.error, RampartBlockedError);
  t.notOk(call.started);

  const script = await refusedCall(() => withInput(field(`x\`touch ${box.canary}\``), () => cp.spawn('/bin/sh', ['-c', `echo x\`touch ${box.canary}\``])));
  t.type(script.error, RampartBlockedError);
  t.notOk(script.started);
  t.notOk(box.canaryExists());
  t.same(events.attacks().map((e) => e.attributes['security_rule.name']), ['cmdi.argument-injection', 'cmdi.substitution']);
  events.reset();
});

t.test('spawnSync: benign result object unchanged; attacks throw', async (t) => {
  const r = withInput(field('tom'), () => cp.spawnSync('node', ['-e', 'process.stdout.write("hi"); process.stderr.write("e"); process.exit(3)', 'tom'], { encoding: 'utf8' }));
  t.equal(r.status, 3);
  t.equal(r.signal, null);
  t.equal(r.stdout, 'hi');
  t.equal(r.stderr, 'e');
  t.equal(r.error, undefined);

  const listed = withInput(field('listing'), () => cp.spawnSync('ls listing', { shell: true, cwd: box.root, encoding: 'utf8' }));
  t.equal(listed.stdout, 'a.txt\nb.txt\n');

  const steal = 'listing; cat secret.txt';
  let out: unknown;
  // spawnSync reports a program it could not start in its result, without throwing.
  out = withInput(field(steal), () => cp.spawnSync(`ls ${steal}`, { shell: true, cwd: box.root, encoding: 'utf8' }));
  t.type((out as { error?: unknown }).error, RampartBlockedError);
  t.equal((out as { stdout?: unknown }).stdout, null, 'secret not returned');

  const option = `--upload-pack=touch ${box.canary}`;
  t.type(withInput(field(option), () => cp.spawnSync('git', ['ls-remote', option], { cwd: repo.work })).error, RampartBlockedError);
  t.notOk(box.canaryExists());
  t.same(events.attacks().map((e) => e.attributes['rampart.sink']), ['child_process.spawnSync', 'child_process.spawnSync']);
  events.reset();
});
