// What the app can observe about the hooked functions: which ones are wrapped, their
// name and length, promisify behaviour, how a refusal arrives in each calling style,
// and that both ways of reaching fs.promises and late destructuring see the wrappers.
import { join } from 'node:path';
import { promisify } from 'node:util';
import { once } from 'node:events';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { isWrapped, originalOf } from '../../../src/hooks/wrap';
import { makeSandbox, REPORT_TEXT } from './sandbox';

start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsp = require('node:fs/promises') as typeof import('node:fs/promises');
type Fns = Record<string, unknown>;

const box = makeSandbox('shape');
const query = (value: string) => ({ source: 'query' as const, name: 'file', value });
const INPUT = '../../canary.txt';
const ATTACK = join(box.base, INPUT);

// The sinks the hook promises to cover, written out independently of its own table.
const PATH_FUNCTIONS = [
  'readFile', 'writeFile', 'appendFile', 'open', 'opendir', 'readdir', 'mkdir', 'mkdtemp', 'rm', 'rmdir', 'unlink',
  'rename', 'copyFile', 'cp', 'link', 'symlink', 'readlink', 'realpath', 'stat', 'lstat', 'statfs', 'access',
  'chmod', 'lchmod', 'chown', 'lchown', 'utimes', 'lutimes', 'truncate',
];
const FS_ONLY = ['exists', 'existsSync', 'watch', 'watchFile', 'unwatchFile', 'createReadStream', 'createWriteStream', 'openAsBlob'];

/** Every covered function present in this Node, keyed by its sink name. */
function coveredFunctions(): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const add = (sink: string, fn: unknown) => {
    if (typeof fn === 'function') found.set(sink, fn);
  };
  for (const name of PATH_FUNCTIONS) {
    add(`fs.${name}`, (fs as unknown as Fns)[name]);
    add(`fs.${name}Sync`, (fs as unknown as Fns)[`${name}Sync`]);
    add(`fs.promises.${name}`, (fsp as unknown as Fns)[name]);
  }
  for (const name of FS_ONLY) add(`fs.${name}`, (fs as unknown as Fns)[name]);
  add('fs.promises.watch', fsp.watch);
  add('fs.realpath.native', fs.realpath.native);
  add('fs.realpathSync.native', fs.realpathSync.native);
  return found;
}

t.test('every path-taking function is wrapped with its own name and length; stop() restores them', async (t) => {
  const wrapped = coveredFunctions();
  t.ok(wrapped.size >= 95, `${wrapped.size} functions covered`);
  for (const [sink, fn] of wrapped) t.ok(isWrapped(fn), `${sink} wrapped`);
  stop();
  const originals = coveredFunctions();
  t.same([...originals.keys()], [...wrapped.keys()]);
  for (const [sink, original] of originals) {
    const wrapper = wrapped.get(sink) as (...args: unknown[]) => unknown;
    const fn = original as (...args: unknown[]) => unknown;
    t.notOk(isWrapped(fn), `${sink} restored`);
    t.equal(wrapper.name, fn.name, `${sink} keeps its name`);
    t.equal(wrapper.length, fn.length, `${sink} keeps its length`);
  }
  start({ logLevel: 'silent' });
  t.ok(isWrapped(fs.readFile), 'start again wraps anew');
});

t.test('fd-based functions are left alone (pino writes through them while reporting)', async (t) => {
  for (const name of ['read', 'readSync', 'write', 'writeSync', 'close', 'closeSync', 'fstat', 'fstatSync', 'fsync']) {
    t.notOk(isWrapped((fs as unknown as Fns)[name]), `fs.${name}`);
  }
});

t.test('fs.promises, fs/promises and node:fs/promises are one object, patched once', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  t.equal(require('fs/promises'), fs.promises);
  t.equal(fsp, fs.promises);
  t.ok(isWrapped(fs.promises.readFile));
  t.notOk(isWrapped(originalOf(fs.promises.readFile)), 'not wrapped twice');
});

t.test('a function destructured after start is the wrapper', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readFileSync } = require('fs') as typeof import('node:fs');
  t.throws(() => withInput(query(INPUT), () => readFileSync(ATTACK)), RampartBlockedError);
  t.equal(withInput(query('report.txt'), () => readFileSync(box.report, 'utf8')), REPORT_TEXT);
});

t.test('a refusal arrives the way each style delivers errors', async (t) => {
  let returned: unknown = 'not yet';
  let calledBeforeReturn = false;
  const delivered = await new Promise<unknown>((resolve) => {
    returned = withInput(query(INPUT), () =>
      fs.readFile(ATTACK, (err) => {
        calledBeforeReturn = returned === 'not yet';
        resolve(err);
      }),
    );
  });
  t.type(delivered, RampartBlockedError, 'callback gets the error');
  t.notOk(calledBeforeReturn, 'asynchronously, like Node');
  t.equal(returned, undefined);

  const promise = withInput(query(INPUT), () => fsp.readFile(ATTACK));
  t.type(promise, Promise, 'fs.promises does not throw synchronously');
  await t.rejects(promise, RampartBlockedError);
  await t.rejects(withInput(query(INPUT), () => promisify(fs.readFile)(ATTACK)), RampartBlockedError, 'promisify(fs.readFile) rejects');

  const watcher = withInput(query(INPUT), () => fsp.watch(ATTACK));
  t.equal(typeof watcher[Symbol.asyncIterator], 'function', 'fs.promises.watch still returns an async iterator');
  await t.rejects(watcher[Symbol.asyncIterator]().next(), RampartBlockedError);
  // Watchers report their failures as an 'error' event on the returned emitter (docs/refusals.md).
  const fsWatcher = withInput(query(INPUT), () => fs.watch(ATTACK));
  const [watchError] = (await once(fsWatcher, 'error')) as [unknown];
  t.type(watchError, RampartBlockedError, "fs.watch: the returned watcher emits 'error'");
  const statWatcher = withInput(query(INPUT), () => fs.watchFile(ATTACK, () => {}));
  const [watchFileError] = (await once(statWatcher, 'error')) as [unknown];
  t.type(watchFileError, RampartBlockedError, "fs.watchFile: the returned watcher emits 'error'");
});

t.test('exists never throws: a refused exists answers false', async (t) => {
  t.equal(promisify(fs.exists), (fs.exists as unknown as Record<symbol, unknown>)[promisify.custom]);
  t.equal(promisify(fs.exists).name, 'exists');
  t.equal(await withInput(query(INPUT), () => new Promise((resolve) => fs.exists(ATTACK, resolve))), false);
  t.equal(await withInput(query(INPUT), () => promisify(fs.exists)(ATTACK)), false);
  t.equal(await withInput(query('report.txt'), () => promisify(fs.exists)(box.report)), true);
  t.equal(await promisify(fs.exists)(box.canary), true, 'the file is there');
});
