// The hook itself: patched in place on the builtin (CommonJS destructuring and ESM named
// imports both see it), shape-preserving, and removed again by stop().
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { isWrapped } from '../../../src/hooks/wrap';
import { runChild } from '../../helpers/child';

start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cp = require('child_process') as typeof import('node:child_process');
const SINKS = ['exec', 'execSync', 'execFile', 'execFileSync', 'spawn', 'spawnSync', 'fork'] as const;
const LENGTHS = { exec: 3, execSync: 2, execFile: 4, execFileSync: 3, spawn: 3, spawnSync: 3, fork: 1 };

t.test('every entry point is wrapped with its name and length', async (t) => {
  for (const name of SINKS) {
    t.ok(isWrapped(cp[name]), `${name} wrapped`);
    t.equal(cp[name].name, name);
    t.equal(cp[name].length, LENGTHS[name], `${name}.length`);
    t.ok(Object.prototype.propertyIsEnumerable.call(cp, name), 'still an enumerable export');
  }
  t.equal(require('node:child_process'), cp, 'node: and bare specifiers share the patched object');
});

t.test('util.promisify.custom: present, guarded, with the original descriptor shape', async (t) => {
  for (const name of ['exec', 'execFile'] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(cp[name], promisify.custom);
    t.type(descriptor?.value, 'function', `${name} has promisify.custom`);
    t.same({ ...descriptor, value: undefined }, { value: undefined, writable: false, enumerable: false, configurable: false });
    t.equal(promisify(cp[name]), descriptor?.value, 'promisify returns it');
  }
});

t.test('const { exec } = require(...) taken after start is protected', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { exec, execFileSync } = require('child_process') as typeof import('node:child_process');
  const input = { name: 'q', value: 'x; reboot' };
  const child = withInput(input, () => exec('echo x; reboot'));
  t.equal(child.pid, undefined, 'a child that never started');
  t.type(await new Promise((resolve) => child.once('error', resolve)), RampartBlockedError);
  t.throws(() => withInput(input, () => execFileSync('sh', ['-c', 'echo x; reboot'])), RampartBlockedError);
});

t.test('ESM: import { exec, ... } from node:child_process under --import rampart/register', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-cp-esm-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const canary = join(dir, 'canary');
  const resultOf = (stdout: string) => JSON.parse(stdout.split('\n').find((l) => l.includes('"benign"')) ?? '{}') as Record<string, string>;

  const guarded = await runChild(['--import', 'rampart/register', 'test/fixtures/child-process-esm.mjs', canary], { RAMPART_LOG_LEVEL: 'silent' });
  t.equal(guarded.code, 0, guarded.stderr);
  const blocked = resultOf(guarded.stdout);
  t.same(blocked, {
    exec: 'blocked', execSync: 'blocked', execFile: 'blocked', execFileSync: 'blocked', spawn: 'blocked', spawnSync: 'blocked',
    'default.execSync': 'blocked', 'promisify(exec)': 'blocked', benign: 'hello\n',
  });
  // The app waits for its children before exiting: an attack that slipped through would have left the canary.
  t.notOk(existsSync(canary), 'canary absent');

  // Control: the same app without rampart runs every attack, so the hook is what blocks.
  const bare = await runChild(['test/fixtures/child-process-esm.mjs', canary]);
  t.equal(resultOf(bare.stdout).exec, 'ran');
  t.ok(existsSync(canary), 'canary created without rampart');
});

t.test('stop() restores the original functions and their promisify.custom', async (t) => {
  const wrapped = cp.exec;
  const wrappedCustom = (cp.exec as unknown as Record<symbol, unknown>)[promisify.custom];
  stop();
  for (const name of SINKS) t.notOk(isWrapped(cp[name]), `${name} restored`);
  t.not(cp.exec, wrapped);
  t.not((cp.exec as unknown as Record<symbol, unknown>)[promisify.custom], wrappedCustom);
  start({ logLevel: 'silent' });
  t.ok(isWrapped(cp.exec), 'start again wraps anew');
});
