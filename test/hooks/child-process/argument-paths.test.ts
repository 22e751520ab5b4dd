// An input that is a whole argument of a program names a file the program opens: outside
// the working directory (`../secret.txt`, an absolute path) it is a path traversal, with or
// without a shell. Real cat and /bin/sh; the secret never reaches the output, names inside
// the directory and paths under path.allowedRoots are served.
import { join } from 'node:path';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { sandbox } from './sandbox';

/* eslint-disable @typescript-eslint/no-require-imports */
const cp = require('node:child_process') as typeof import('node:child_process');
/* eslint-enable @typescript-eslint/no-require-imports */
const box = sandbox();
const events = captureOtelLogs();
const shared = join(box.root, 'shared');
start({ mode: 'block', logLevel: 'silent', path: { allowedRoots: [shared] } });
t.teardown(stop);
t.teardown(box.cleanup);
cp.execFileSync('mkdir', [shared]);
cp.execFileSync('cp', [join(box.listing, 'b.txt'), join(shared, 'b.txt')]);

const opts = { cwd: box.listing, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
const CALLS: [string, (name: string) => string][] = [
  ['execFile cat NAME', (n) => cp.execFileSync('cat', [n], opts)],
  ['execFile cat -- NAME', (n) => cp.execFileSync('cat', ['--', n], opts)],
  ['execFile nice cat NAME', (n) => cp.execFileSync('nice', ['cat', n], opts)],
  ['exec cat NAME', (n) => cp.execSync(`cat ${n}`, opts)],
  ['exec cat "NAME" | head', (n) => cp.execSync(`cat "${n}" | head -5`, opts)],
  ['execFile sh -c', (n) => cp.execFileSync('sh', ['-c', `cat '${n}'`], opts)],
];

function run(call: (name: string) => string, name: string): { out: string; error?: unknown } {
  try {
    return { out: withInput({ source: 'query', name: 'file', value: name }, () => call(name)) };
  } catch (error) {
    return { out: '', error };
  }
}

t.test('the attack is real: outside a request cat prints the secret', async (t) => {
  t.match(cp.execFileSync('cat', ['../secret.txt'], opts), box.secretText);
});

for (const [name, call] of CALLS) {
  t.test(name, async (t) => {
    for (const attack of ['../secret.txt', box.secret, './../secret.txt', `${box.listing}/../secret.txt`]) {
      const r = run(call, attack);
      t.type(r.error, RampartBlockedError, `${attack}: refused`);
      t.notMatch(r.out, box.secretText, `${attack}: secret not printed`);
    }
    t.equal(run(call, 'a.txt').out, 'alpha\n', 'a name in the directory is served');
    t.equal(run(call, join(shared, 'b.txt')).out, 'beta\n', 'an absolute path under path.allowedRoots is served');
    t.equal(run(call, 'a.txt').out, 'alpha\n', 'still up');
  });
}

t.test('findings are path traversals with the path rules', async (t) => {
  events.reset();
  run(CALLS[0]![1], '../secret.txt');
  run(CALLS[3]![1], box.secret);
  t.same(events.attacks().map((e) => e.attributes['security_rule.name']), ['path.traversal', 'path.absolute']);
  t.same(events.attacks().map((e) => e.attributes['rampart.sink']), ['child_process.execFileSync', 'child_process.execSync']);
});

t.test('not a whole operand: options, the program name and glued values are left to the command rules', async (t) => {
  events.reset();
  t.equal(run((n) => cp.execFileSync('echo', [`x${n}`], opts), '/y').out, 'x/y\n', 'glued to the app’s text');
  t.equal(run((n) => cp.execFileSync('grep', [`--regexp=${n}`, 'a.txt'], opts), '/never/').error instanceof RampartBlockedError, false, 'an option value');
  t.equal(run((n) => cp.execFileSync('grep', ['-c', '-v', n, 'a.txt'], opts), '/never/').out, '1\n', 'grep’s pattern operand is not a file');
  t.equal(run((n) => cp.execFileSync('echo', [n], opts), '/etc/passwd').out, '/etc/passwd\n', 'echo’s operands are text');
  t.equal(events.attacks().filter((e) => String(e.attributes['security_rule.name']).startsWith('path.')).length, 0, 'no path finding');
});
