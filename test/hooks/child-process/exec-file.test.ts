// execFile, execFileSync and promisify(execFile): no shell unless asked for, so the
// attacks are argument injection (git --upload-pack) and scripts handed to `sh -c`.
import { promisify } from 'node:util';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { attempt, gitRepo, refusedCall, sandbox } from './sandbox';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cp = require('node:child_process') as typeof import('node:child_process');
const box = sandbox();
t.teardown(box.cleanup);
const repo = gitRepo(box.root);

const remote = (value: string) => ({ source: 'query' as const, name: 'remote', value });
const UPLOAD_PACK = `--upload-pack=touch ${box.canary}`;

interface Outcome {
  readonly error: (Error & { code?: unknown; signal?: unknown; cmd?: string }) | null;
  readonly stdout: string;
  readonly stderr: string;
}

function execFileWith(value: string, file: string, args: string[], options: import('node:child_process').ExecFileOptions = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    withInput(remote(value), () =>
      cp.execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => resolve({ error, stdout, stderr })),
    );
  });
}

t.test('benign input: stdout, stderr and exit code 3 unchanged', async (t) => {
  const script = 'process.stdout.write("out:" + process.argv[1]); process.stderr.write("err"); process.exit(3)';
  const r = await execFileWith('origin', 'node', ['-e', script, 'origin']);
  t.equal(r.error?.code, 3, 'exit code 3 stays 3');
  t.equal(r.error?.signal, null);
  t.equal(r.stdout, 'out:origin');
  t.equal(r.stderr, 'err');

  const refs = await execFileWith('origin', 'git', ['ls-remote', 'origin'], { cwd: repo.work });
  t.same(refs, { error: null, stdout: repo.refs, stderr: '' }, 'git ls-remote with a benign remote');

  // Without a shell, metacharacters are just bytes of one argument: not an attack.
  const literal = await execFileWith(`a.txt; touch ${box.canary}`, 'ls', [`a.txt; touch ${box.canary}`], { cwd: box.listing });
  t.equal(literal.error?.code, 2, 'ls did not find the odd file name');
  t.notOk(box.canaryExists());
  t.equal(events.attacks().length, 0, 'no finding for benign input');
});

t.test('git ls-remote <input> with --upload-pack=...: blocked, canary absent', async (t) => {
  let called = false;
  const call = await refusedCall(() => withInput(remote(UPLOAD_PACK), () => cp.execFile('git', ['ls-remote', UPLOAD_PACK], { cwd: repo.work }, () => (called = true))));
  t.type(call.error, RampartBlockedError);
  t.equal((call.error as RampartBlockedError).sink, 'child_process.execFile');
  t.notOk(call.started, 'git was not started');
  t.equal(called, true, 'the callback ran (with the error)');
  t.notOk(box.canaryExists());

  const [event] = events.attacks();
  t.equal(event?.attributes['security_rule.name'], 'cmdi.argument-injection');
  t.equal(event?.attributes['process.executable.name'], 'git');
  t.match(String(event?.attributes['process.command_line']), /^git ls-remote --upload-pack=\?/, 'option name kept, value redacted');
  t.equal(events.attacks().length, 1);
  events.reset();
});

t.test('execFileSync: benign output unchanged, argument injection throws', async (t) => {
  withInput(remote('origin'), () => {
    t.equal(cp.execFileSync('git', ['ls-remote', 'origin'], { cwd: repo.work, encoding: 'utf8' }), repo.refs);
  });
  const failed = t.throws(() => withInput(remote('x'), () => cp.execFileSync('node', ['-e', 'process.exit(3)', 'x'], { stdio: 'pipe' }))) as { status?: number };
  t.equal(failed.status, 3, 'exit status on the thrown error');

  t.throws(() => withInput(remote(UPLOAD_PACK), () => cp.execFileSync('git', ['ls-remote', UPLOAD_PACK], { cwd: repo.work, stdio: 'pipe' })), RampartBlockedError);
  t.notOk(box.canaryExists());
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'child_process.execFileSync');
  events.reset();
});

t.test('sh -c with user input is judged as a shell script', async (t) => {
  const ok = await execFileWith('listing', 'sh', ['-c', `ls ${box.root}/listing`]);
  t.same(ok, { error: null, stdout: 'a.txt\nb.txt\n', stderr: '' });

  const steal = 'listing; cat secret.txt';
  let out: unknown;
  t.throws(() => withInput(remote(steal), () => (out = cp.execFileSync('/bin/sh', ['-c', `ls ${steal}`], { cwd: box.root, encoding: 'utf8' }))), RampartBlockedError);
  t.equal(out, undefined, 'secret not returned');

  const input = `x; touch ${box.canary}`;
  for (const [file, args] of [
    ['bash', ['-c', `echo ${input}`]],
    ['env', ['sh', '-c', `echo ${input}`]],
  ] as const) {
    const call = await refusedCall(() => withInput(remote(input), () => cp.execFile(file, [...args])));
    t.type(call.error, RampartBlockedError, `${file} ${args.join(' ')}`);
    t.notOk(call.started);
  }
  t.notOk(box.canaryExists());
  t.equal(events.attacks()[0]?.attributes['security_rule.name'], 'cmdi.operator');
  t.equal(events.attacks().length, 3);
  events.reset();
});

t.test('execFile with shell: true runs file and args through the shell: checked as a script', async (t) => {
  const ok = await execFileWith('listing', 'ls', [`${box.root}/listing`], { shell: true });
  t.equal(ok.stdout, 'a.txt\nb.txt\n');
  const input = `listing && touch ${box.canary}`;
  const call = await refusedCall(() => withInput(remote(input), () => cp.execFile('ls', [input], { shell: true, cwd: box.root })));
  t.type(call.error, RampartBlockedError);
  t.notOk(call.started);
  t.notOk(box.canaryExists());
  t.equal(events.attacks()[0]?.attributes['process.executable.name'], 'sh');
  events.reset();
});

t.test('promisify(execFile): resolves {stdout, stderr}, rejects with the exit code, rejects when blocked', async (t) => {
  const execFileP = promisify(cp.execFile);
  const pending = withInput(remote('origin'), () => execFileP('git', ['ls-remote', 'origin'], { cwd: repo.work }));
  t.type((pending as unknown as { child: unknown }).child, cp.ChildProcess, 'promise.child is kept');
  t.same(await pending, { stdout: repo.refs, stderr: '' });

  const failure = (await withInput(remote('x'), () => execFileP('node', ['-e', 'process.exit(3)', 'x'])).catch((e: unknown) => e)) as { code?: number };
  t.equal(failure.code, 3);

  const call = attempt(() => withInput(remote(UPLOAD_PACK), () => execFileP('git', ['ls-remote', UPLOAD_PACK], { cwd: repo.work })));
  t.equal(call.error, undefined);
  t.notOk(call.started, 'git was not started');
  await t.rejects(call.result as Promise<unknown>, RampartBlockedError);
  t.notOk(box.canaryExists());
  t.equal(events.attacks().length, 1);
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'child_process.execFile');
  events.reset();
});
