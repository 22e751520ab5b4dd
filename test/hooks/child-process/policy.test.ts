// shell.dangerousOptions extends the built-in argument-injection list; it never replaces it.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_CONFIG } from '../../../src/config';
import { DEFAULT_DANGEROUS_OPTIONS } from '../../../src/detect/shell';
import { argumentPolicy, mergePolicy } from '../../../src/checks/shell';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { gitRepo, sandbox } from './sandbox';

start({ logLevel: 'silent', shell: { dangerousOptions: { 'Report-Tool': ['--on-done'], git: ['--no-such-danger'] } } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cp = require('node:child_process') as typeof import('node:child_process');
const box = sandbox();
t.teardown(box.cleanup);
const repo = gitRepo(box.root);

// An in-house program whose --on-done option runs a command: unknown to the built-in list.
const tool = join(box.root, 'report-tool');
writeFileSync(tool, '#!/bin/sh\nfor a in "$@"; do case "$a" in --on-done=*) sh -c "${a#--on-done=}";; *) echo "report $a";; esac; done\n');
chmodSync(tool, 0o755);
const arg = (value: string) => ({ source: 'body' as const, name: 'title', value });

t.test('a configured program: its dangerous option is refused, plain values pass', async (t) => {
  const attack = `--on-done=touch ${box.canary}`;
  t.throws(() => withInput(arg(attack), () => cp.execFileSync(tool, ['--quiet', attack])), RampartBlockedError);
  t.notOk(box.canaryExists());
  const out = withInput(arg('weekly'), () => cp.execFileSync(tool, ['weekly'], { encoding: 'utf8' }));
  t.equal(out, 'report weekly\n');
  // Control, outside any request (nothing to check): the option really runs a command.
  cp.execFileSync(tool, [attack]);
  t.ok(box.canaryExists(), 'the attack is real');
  box.removeCanary();
});

t.test('built-in entries of a program the configuration extends still apply', async (t) => {
  const attack = `--upload-pack=touch ${box.canary}`;
  t.throws(() => withInput(arg(attack), () => cp.execFileSync('git', ['ls-remote', attack], { cwd: repo.work, stdio: 'pipe' })), RampartBlockedError);
  t.notOk(box.canaryExists());
});

t.test('merged once per configuration, keyed like the detector looks programs up', async (t) => {
  t.equal(mergePolicy({}), DEFAULT_DANGEROUS_OPTIONS, 'nothing configured: the built-in list itself');
  const merged = mergePolicy({ '/opt/bin/Report-Tool.exe': ['--on-done'], git: ['--no-such-danger', '-c'] });
  t.same(merged['report-tool'], ['--on-done']);
  t.same(merged.git, [...DEFAULT_DANGEROUS_OPTIONS.git!, '--no-such-danger'], 'union, no duplicates');
  t.ok(Object.isFrozen(merged));
  t.equal(argumentPolicy(DEFAULT_CONFIG), argumentPolicy(DEFAULT_CONFIG), 'cached per config object');
});
