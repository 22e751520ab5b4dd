// Programs and options added to the dangerous-option table, run for real without a shell:
// each attack is shown to work outside a request (the file is written, the secret leaks),
// then refused inside one with the effect absent, and the benign twin gives the right output.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { closeServer, listen } from '../../helpers/http';
import { sandbox } from './sandbox';

start({ mode: 'block', logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cp = require('node:child_process') as typeof import('node:child_process');
const box = sandbox();
t.teardown(box.cleanup);

function run(file: string, args: (value: string) => string[], value: string): { out: string; error?: unknown } {
  const call = (): string => {
    const r = cp.spawnSync(file, args(value), { cwd: box.listing, encoding: 'utf8' });
    if (r.error) throw r.error;
    return `${r.stdout}${r.stderr}`;
  };
  try {
    return { out: withInput({ source: 'query', name: 'q', value }, call) };
  } catch (error) {
    return { out: '', error };
  }
}

t.test('sort: an input that starts the argument chooses -o, the output file', async (t) => {
  const written = join(box.root, 'sorted.csv');
  const args = (name: string): string[] => [`${name}.csv`];
  cp.spawnSync('sort', [`-o${join(box.root, 'sorted')}.csv`], { input: 'x\n' }); // outside a request
  t.ok(existsSync(written), 'the attack is real: sort writes the file');
  rmSync(written);
  const attack = run('sort', args, `-o${join(box.root, 'sorted')}`);
  t.type(attack.error, RampartBlockedError, 'refused');
  t.notOk(existsSync(written), 'no file written');
  t.match(run('sort', args, '../listing/a.txt').out, /No such file|alpha/, 'a name runs (sort reads it as a file)');
});

t.test('date: --file reads any file and prints its lines in the error', async (t) => {
  const args = (when: string): string[] => ['-u', `--date=${when}`, '+%Y'];
  const leak = cp.spawnSync('date', [`--file=${box.secret}`], { encoding: 'utf8' });
  t.match(leak.stderr, box.secretText, 'the attack is real: the secret is printed');
  const whole = (v: string): string[] => [v];
  const attack = run('date', whole, `--file=${box.secret}`);
  t.type(attack.error, RampartBlockedError, 'refused');
  t.notMatch(attack.out, box.secretText, 'nothing printed');
  t.equal(run('date', args, '2001-02-03').out.trim(), '2001', 'benign twin');
});

t.test('curl: a data value starting with @ uploads a file', async (t) => {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c)).on('end', () => {
      received.push(body);
      res.end('ok');
    });
  });
  const base = await listen(server);
  t.teardown(() => closeServer(server));
  const args = (data: string): string[] => ['-s', '-d', data, `${base}/submit`];
  // Asynchronous: the server answering curl runs in this process.
  const curl = (data: string): Promise<{ out: string; error?: unknown }> =>
    withInput({ source: 'query', name: 'q', value: data }, () =>
      new Promise((resolve) => cp.execFile('curl', args(data), { encoding: 'utf8' }, (error, out) => resolve({ out, error: error ?? undefined }))),
    );
  await new Promise((resolve) => cp.execFile('curl', args(`@${box.secret}`), resolve)); // outside a request
  t.match(received.pop(), box.secretText, 'the attack is real: the file is uploaded');
  const attack = await curl(`@${box.secret}`);
  t.type(attack.error, RampartBlockedError, 'refused');
  t.equal(received.length, 0, 'nothing reached the server');
  t.equal((await curl('hello')).out, 'ok', 'benign twin');
  t.same(received, ['hello'], 'with the right data');
  t.notOk(readFileSync(box.secret, 'utf8').length === 0, 'secret untouched');
});
