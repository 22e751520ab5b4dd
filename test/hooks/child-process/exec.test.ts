// exec, execSync and promisify(exec): the command string always runs through /bin/sh.
import { once } from 'node:events';
import { promisify } from 'node:util';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { attempt, refusedCall, sandbox } from './sandbox';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cp = require('node:child_process') as typeof import('node:child_process');
const box = sandbox();
t.teardown(box.cleanup);

const dir = (value: string) => ({ source: 'query' as const, name: 'dir', value });

interface ExecOutcome {
  readonly error: import('node:child_process').ExecException | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** cp.exec inside withInput, its callback as a promise. */
function execWith(value: string, command: string, options: import('node:child_process').ExecOptions = {}): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    withInput(dir(value), () => cp.exec(command, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => resolve({ error, stdout, stderr })));
  });
}

t.test('benign input: output, exit code and error fields unchanged', async (t) => {
  const ok = await execWith('listing', `ls ${box.listing}`);
  t.same(ok, { error: null, stdout: 'a.txt\nb.txt\n', stderr: '' });

  const missing = await execWith('nope.txt', `ls ${box.listing}/nope.txt`);
  t.equal(missing.error?.code, 2, 'ls exit status');
  t.equal(missing.error?.killed, false);
  t.equal(missing.error?.signal, null);
  t.equal(missing.error?.cmd, `ls ${box.listing}/nope.txt`);
  t.match(missing.stderr, /No such file/);

  // Input present but not in the command: the check runs and finds nothing.
  const killed = await execWith('unrelated', 'kill -TERM $$');
  t.equal(killed.error?.signal, 'SIGTERM', 'signal passes through');
  t.equal(killed.error?.code, null);

  const child = withInput(dir('listing'), () => cp.exec(`ls ${box.listing}`));
  t.type(child, cp.ChildProcess, 'exec still returns the ChildProcess');
  t.same(await once(child, 'close'), [0, null], "'close' with the exit code");
  t.equal(events.attacks().length, 0, 'no finding for benign input');
});

t.test('; touch canary: exec refuses before spawning; the callback and the child get the error', async (t) => {
  const input = `listing; touch ${box.canary}`;
  let called: unknown;
  const call = await refusedCall(() => withInput(dir(input), () => cp.exec(`ls ${box.root}/${input}`, (err) => (called = err))));
  t.type(call.error, RampartBlockedError);
  t.equal((call.error as RampartBlockedError).kind, 'command_injection');
  t.equal((call.error as RampartBlockedError).sink, 'child_process.exec');
  t.notOk(call.thrown, 'not thrown: exec reports failures asynchronously');
  t.notOk(call.started, 'no child process was started');
  t.notOk(box.canaryExists(), 'canary absent');
  t.equal(called, call.error, 'the callback got the same error');
  const found = events.attacks();
  t.equal(found.length, 1, 'one finding (exec calls execFile inside: not counted twice)');
  const attrs = found[0]?.attributes ?? {};
  t.equal(attrs['rampart.sink'], 'child_process.exec');
  t.equal(attrs['rampart.attack.kind'], 'command_injection');
  t.equal(attrs['process.executable.name'], 'sh');
  t.match(String(attrs['process.command_line']), /; touch/, 'the shape of the attack is kept');
  t.notMatch(String(attrs['process.command_line']), box.canary, 'long arguments are redacted');
  events.reset();
});

t.test('exec with a shell path reports that shell', async (t) => {
  const input = 'x $(touch canary)';
  const call = await refusedCall(() => withInput(dir(input), () => cp.exec(`echo ${input}`, { shell: '/bin/bash', cwd: box.root })));
  t.type(call.error, RampartBlockedError);
  t.notOk(call.started);
  t.notOk(box.canaryExists());
  t.equal(events.attacks()[0]?.attributes['process.executable.name'], 'bash');
  events.reset();
});

t.test('execSync: benign output unchanged, attacks throw and run nothing', async (t) => {
  withInput(dir('listing'), () => {
    t.equal(cp.execSync(`ls ${box.listing}`, { encoding: 'utf8' }), 'a.txt\nb.txt\n');
    t.same(cp.execSync(`ls ${box.listing}`), Buffer.from('a.txt\nb.txt\n'), 'Buffer without encoding');
  });
  const failed = t.throws(() => withInput(dir('nope.txt'), () => cp.execSync(`ls ${box.listing}/nope.txt`, { stdio: 'pipe' }))) as { status?: number };
  t.equal(failed.status, 2, 'exit status on the thrown error');

  t.throws(() => withInput(dir(`a.txt; touch ${box.canary}`), () => cp.execSync(`cat ${box.listing}/a.txt; touch ${box.canary}`)), RampartBlockedError);
  t.notOk(box.canaryExists(), 'canary absent');

  const steal = 'a.txt; cat ../secret.txt';
  let out: unknown;
  t.throws(() => withInput(dir(steal), () => (out = cp.execSync(`cat ${steal}`, { cwd: box.listing, encoding: 'utf8' }))), RampartBlockedError);
  t.equal(out, undefined, 'secret not returned');

  const marker = 'hello`echo PWNED-MARKER`';
  t.throws(() => withInput(dir(marker), () => (out = cp.execSync(`echo ${marker}`, { encoding: 'utf8' }))), RampartBlockedError);
  t.equal(out, undefined, 'marker never printed');
  t.equal(events.attacks().length, 3);
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'child_process.execSync');
  events.reset();
});

t.test('promisify(exec): resolves {stdout, stderr}, keeps .child, rejects when blocked', async (t) => {
  const execP = promisify(cp.exec);
  const pending = withInput(dir('listing'), () => execP(`ls ${box.listing}`));
  t.type((pending as unknown as { child: unknown }).child, cp.ChildProcess, 'promise.child is kept');
  t.same(await pending, { stdout: 'a.txt\nb.txt\n', stderr: '' });

  const failure = (await withInput(dir('nope.txt'), () => execP(`ls ${box.listing}/nope.txt`)).catch((e: unknown) => e)) as { code?: number; stderr?: string };
  t.equal(failure.code, 2);
  t.match(failure.stderr, /No such file/, 'error.stderr as before');

  const input = `x && touch ${box.canary}`;
  const call = attempt(() => withInput(dir(input), () => execP(`echo ${input}`)));
  t.equal(call.error, undefined, 'the promisified form does not throw...');
  t.notOk(call.started, 'nothing spawned');
  await t.rejects(call.result as Promise<unknown>, RampartBlockedError, '...it rejects');
  t.notOk(box.canaryExists());
  t.equal(events.attacks().length, 1, 'one finding for the promisified call');
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'child_process.exec');
  events.reset();
});
