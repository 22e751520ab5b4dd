// `sh -c` reached through launchers (xargs, find -exec, setsid, flock -c, ionice, nice,
// timeout, nohup, stdbuf, script -c, env -S, runuser -c): the script is judged by the shell
// detector. Real programs, real /bin/sh; the canary an injected command would create stays
// absent, and the benign twin prints the right output.
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { shellScriptOf } from '../../../src/detect/shell';
import { sandbox } from './sandbox';

start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cp = require('node:child_process') as typeof import('node:child_process');
const box = sandbox();
t.teardown(box.cleanup);
const lock = `${box.root}/lock`;

/** Each launcher with `{}` where the app puts its script, built as `echo hello <name>`. */
const LAUNCHERS: [string, string[]][] = [
  ['setsid', ['-w', 'sh', '-c', '{}']],
  ['flock', [lock, '-c', '{}']],
  ['flock', ['-w', '5', lock, 'sh', '-c', '{}']],
  ['ionice', ['-c', '3', 'sh', '-c', '{}']],
  ['nice', ['-n', '5', 'sh', '-c', '{}']],
  ['timeout', ['10', 'sh', '-c', '{}']],
  ['nohup', ['sh', '-c', '{}']],
  ['stdbuf', ['-oL', 'sh', '-c', '{}']],
  ['script', ['-q', '-e', '-c', '{}', '/dev/null']],
  ['env', ['-S', 'sh -c {}']],
  ['find', [box.listing, '-maxdepth', '0', '-exec', 'sh', '-c', '{}', ';']],
  ['xargs', ['-0', 'sh', '-c', '{}']],
];

function run(file: string, args: string[], name: string): { out?: string; error?: unknown } {
  const script = `echo hello ${name}`;
  const filled = args.map((a) => (a === '{}' ? script : a === 'sh -c {}' ? `sh -c '${script}'` : a));
  try {
    const out = withInput({ source: 'query', name: 'name', value: name }, () =>
      cp.execFileSync(file, filled, { encoding: 'utf8', input: '', stdio: ['pipe', 'pipe', 'pipe'], timeout: 20000 }),
    );
    return { out };
  } catch (error) {
    return { error };
  }
}

for (const [file, args] of LAUNCHERS) {
  t.test(`${file} ${args.slice(0, 3).join(' ')}`, async (t) => {
    box.removeCanary();
    const benign = run(file, args, 'world');
    t.error(benign.error, 'benign twin runs');
    t.match(benign.out, /hello world/, 'with the right output');
    const attack = run(file, args, `x; touch ${box.canary}`);
    t.type(attack.error, RampartBlockedError, 'refused');
    t.notOk(box.canaryExists(), 'the injected command did not run');
    t.match(run(file, args, 'again').out, /hello again/, 'process still up and serving');
  });
}

t.test('runuser, su and sudo -c: the script is found (they need privileges to run here)', async (t) => {
  t.equal(shellScriptOf('runuser', ['-l', 'app', '-c', 'id']), 'id');
  t.equal(shellScriptOf('runuser', ['-u', 'app', '--', 'sh', '-c', 'id']), 'id');
  t.equal(shellScriptOf('su', ['-', 'app', '-c', 'id']), 'id');
  t.equal(shellScriptOf('sudo', ['-u', 'app', 'bash', '-lc', 'id']), 'id');
  t.equal(shellScriptOf('find', ['.', '-exec', 'sudo', 'sh', '-c', 'id', ';']), 'id');
  t.equal(shellScriptOf('git', ['log', '-c']), undefined, 'a -c of another program is not a script');
});
