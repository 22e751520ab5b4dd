// child_process behaves exactly as without rampart when no attack happens, while the guard
// checks every call (user input occurs in each command): originals captured before
// start() and wrappers are run side by side.
/* eslint-disable @typescript-eslint/no-require-imports */
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { start, stop, withInput } from '../../src/index';
import { firstAppFrame } from '../fixtures/hardening-shape';
import { captureMetrics } from '../fixtures/hardening-telemetry';

const cp = require('node:child_process') as typeof import('node:child_process');
const original = { exec: cp.exec, execSync: cp.execSync, execFile: cp.execFile, spawn: cp.spawn, spawnSync: cp.spawnSync };

const metrics = captureMetrics();
start({ logLevel: 'silent' });
t.teardown(stop);

const RAMPART_DIRS = [join(__dirname, '..', '..', 'src') + '/', join(__dirname, '..', '..', 'dist') + '/'];
const benign = <T>(fn: () => T): T => withInput({ source: 'body', name: 'greeting', value: 'hello' }, fn);

/** What an app can branch on in an exec error. */
function errorFacts(error: unknown): Record<string, unknown> {
  const e = error as Record<string, unknown> & Error;
  return { class: e.constructor.name, message: e.message, code: e.code, killed: e.killed, signal: e.signal, cmd: e.cmd, status: e.status, stdout: String(e.stdout), stderr: String(e.stderr) };
}

t.test('spawn: a real ChildProcess, same events in the same order', async (t) => {
  const checksBefore = await metrics.sum('rampart.checks', { 'rampart.sink.kind': 'shell' });
  const run = (spawn: typeof cp.spawn, command: string, args: string[]) =>
    new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      const child = benign(() => spawn(command, args));
      t.ok(child instanceof (require('node:events') as typeof import('node:events')).EventEmitter && typeof child.kill === 'function', 'a ChildProcess');
      child.on('spawn', () => seen.push('spawn'));
      child.on('error', (e: NodeJS.ErrnoException) => seen.push(`error:${e.code}`));
      child.stdout?.on('data', (d: Buffer) => seen.push(`stdout:${d.toString().trim()}`));
      child.on('exit', (code) => seen.push(`exit:${code}`));
      child.on('close', (code) => {
        seen.push(`close:${code}`);
        resolve(seen);
      });
    });
  const mine = await run(cp.spawn, 'echo', ['hello']);
  t.same(mine, await run(original.spawn, 'echo', ['hello']));
  t.same(mine, ['spawn', 'stdout:hello', 'exit:0', 'close:0']);
  t.same(await run(cp.spawn, 'no-such-program-rampart', ['hello']), await run(original.spawn, 'no-such-program-rampart', ['hello']), 'ENOENT the same way');
  t.ok((await metrics.sum('rampart.checks', { 'rampart.sink.kind': 'shell' })) > checksBefore, 'the guard ran a detector on these calls');
});

t.test('exec: same callback arguments, same error objects', async (t) => {
  const run = (exec: typeof cp.exec, command: string) =>
    new Promise<unknown[]>((resolve) => benign(() => exec(command, (...args: unknown[]) => resolve(args))));
  t.same(await run(cp.exec, 'echo hello'), await run(original.exec, 'echo hello'));
  const [mine, theirs] = await Promise.all([run(cp.exec, 'echo hello >&2; exit 3'), run(original.exec, 'echo hello >&2; exit 3')]);
  t.same(errorFacts(mine[0]), errorFacts(theirs[0]));
  t.equal((mine[0] as { code: number }).code, 3);
  t.same(mine.slice(1), theirs.slice(1), 'stdout and stderr arguments');
});

t.test('execSync / spawnSync: same values, same sync throws, app frame first', async (t) => {
  benign(() => {
    t.equal(cp.execSync('echo hello', { encoding: 'utf8' }), original.execSync('echo hello', { encoding: 'utf8' }));
    const sync = cp.spawnSync('echo', ['hello']);
    const theirs = original.spawnSync('echo', ['hello']);
    t.same({ status: sync.status, signal: sync.signal, stdout: sync.stdout.toString(), keys: Object.keys(sync).sort() }, { status: theirs.status, signal: theirs.signal, stdout: theirs.stdout.toString(), keys: Object.keys(theirs).sort() });
    let mine: unknown;
    let orig: unknown;
    try {
      cp.execSync('echo hello >&2; exit 4', { stdio: 'pipe' });
    } catch (error) {
      mine = error;
    }
    try {
      original.execSync('echo hello >&2; exit 4', { stdio: 'pipe' });
    } catch (error) {
      orig = error;
    }
    t.same(errorFacts(mine), errorFacts(orig));
    t.equal((mine as { status: number }).status, 4);
    t.match(firstAppFrame(mine, RAMPART_DIRS), /transparency-child-process\.test\.ts/, 'first frame past Node and rampart is this file');
  });
});

t.test('util.promisify.custom: exec and execFile resolve { stdout, stderr } and expose .child', async (t) => {
  await benign(async () => {
    const p = promisify(cp.exec)('echo hello');
    t.ok((p as unknown as { child?: unknown }).child !== undefined, 'the promise carries the child, as in Node');
    t.same(await p, await promisify(original.exec)('echo hello'));
    t.same(await promisify(cp.execFile)('echo', ['hello']), await promisify(original.execFile)('echo', ['hello']));
    const [mine, theirs] = await Promise.all([
      promisify(cp.exec)('echo hello; exit 2').catch((e: unknown) => e),
      promisify(original.exec)('echo hello; exit 2').catch((e: unknown) => e),
    ]);
    t.same(errorFacts(mine), errorFacts(theirs), 'rejections carry code, stdout and stderr');
  });
});
