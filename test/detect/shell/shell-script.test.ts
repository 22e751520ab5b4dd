import t from 'tap';
import { isShell, programName, shellScriptOf } from '../../../src/detect/shell';

t.test('program names are normalised', async (t) => {
  t.equal(programName('git'), 'git');
  t.equal(programName('/usr/bin/git'), 'git');
  t.equal(programName('C:\\Program Files\\Git\\bin\\git.EXE'), 'git');
  t.equal(programName('./bin/Bash'), 'bash');
  t.equal(programName('.exe'), '.exe', 'a bare extension is a name');
  t.equal(programName(''), '');
});

t.test('shells with -c', async (t) => {
  const cases: [string, string[]][] = [
    ['sh', ['-c', 'S']],
    ['/bin/sh', ['-c', 'S']],
    ['bash', ['-lc', 'S']],
    ['bash', ['-ec', 'S']],
    ['bash', ['-e', '-c', 'S']],
    ['bash', ['-c', '-e', 'S']],
    ['bash', ['-o', 'pipefail', '-c', 'S']],
    ['bash', ['-eo', 'pipefail', '-c', 'S']],
    ['bash', ['--login', '--noprofile', '-c', 'S']],
    ['bash', ['--rcfile', '/x', '-c', 'S']],
    ['bash', ['-O', 'extglob', '-c', 'S', 'name', 'arg1']],
    ['bash', ['-c', '--', 'S']],
    ['dash', ['-c', 'S']],
    ['zsh', ['-c', 'S']],
    ['ksh', ['-c', 'S']],
    ['/usr/bin/env', ['sh', '-c', 'S']],
    ['env', ['-i', 'PATH=/bin', 'bash', '-c', 'S']],
    ['env', ['-u', 'HOME', 'sh', '-c', 'S']],
    ['sudo', ['-u', 'www', 'sh', '-c', 'S']],
    ['nohup', ['sh', '-c', 'S']],
    ['timeout', ['-s', 'KILL', '10', 'sh', '-c', 'S']],
    ['busybox', ['sh', '-c', 'S']],
    ['C:\\Git\\bin\\bash.exe', ['-c', 'S']],
    ['fish', ['--command=S']],
    ['fish', ['--command', 'S']],
  ];
  for (const [file, args] of cases) t.equal(shellScriptOf(file, args), 'S', `${file} ${args.join(' ')}`);
});

t.test('not a shell script', async (t) => {
  const cases: [string, string[]][] = [
    ['git', ['-c', 'x']],
    ['sh', ['script.sh']],
    ['sh', ['script.sh', '-c', 'x']],
    ['sh', ['-e', 'script.sh']],
    ['sh', ['-c']],
    ['sh', []],
    ['bash', ['-s', 'x']],
    ['python', ['-c', 'print(1)']],
    ['shx', ['-c', 'x']],
  ];
  for (const [file, args] of cases) t.equal(shellScriptOf(file, args), undefined, `${file} ${args.join(' ')}`);
  t.equal(shellScriptOf('sh', ['-c', 42 as unknown as string]), undefined, 'non-string args');
  // env -S splits its string into a command line and is followed into the shell it starts.
  t.equal(shellScriptOf('env', ['-S', "sh -c 'x; y'"]), 'x; y');
  t.equal(shellScriptOf('env', ['-S', 'python -c x']), 'python -c x', 'any other split command line is judged as one');
  t.ok(isShell('bash'));
  t.notOk(isShell('node'));
});
