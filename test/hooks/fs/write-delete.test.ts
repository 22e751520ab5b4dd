// Writes, moves, links and deletes that reach outside the base directory are refused and
// leave the files as they were; the same operations inside the base work unchanged.
import { join } from 'node:path';
import { once } from 'node:events';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { CANARY_TEXT, errorShape, makeSandbox, viaCallback } from './sandbox';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsp = require('node:fs/promises') as typeof import('node:fs/promises');

const box = makeSandbox('write');
const query = (value: string) => ({ source: 'query' as const, name: 'file', value });
const blocked = (sink: string) => ({ code: 'RAMPART_BLOCKED', name: 'RampartBlockedError', sink });
const INPUT = '../../canary.txt';
const ATTACK = join(box.base, INPUT);
const canaryIntact = () => fs.readFileSync(box.canary, 'utf8') === CANARY_TEXT && (fs.statSync(box.canary).mode & 0o777) === 0o644;

fs.chmodSync(box.canary, 0o644);

t.test('overwriting the canary is refused in every form', async (t) => {
  const attempts: Record<string, () => unknown> = {
    'fs.writeFileSync': () => fs.writeFileSync(ATTACK, 'pwned'),
    'fs.appendFileSync': () => fs.appendFileSync(ATTACK, 'pwned'),
    'fs.truncateSync': () => fs.truncateSync(ATTACK, 0),
    'fs.chmodSync': () => fs.chmodSync(ATTACK, 0o777),
    // A stream reports its failure to open as an 'error' event (docs/refusals.md).
    'fs.createWriteStream': () => once(fs.createWriteStream(ATTACK).end('pwned'), 'error').then(([err]) => Promise.reject(err)),
    'fs.copyFileSync': () => fs.copyFileSync(box.report, ATTACK),
    'fs.renameSync': () => fs.renameSync(box.report, ATTACK),
    'fs.cpSync': () => fs.cpSync(box.report, ATTACK),
    'fs.promises.writeFile': () => fsp.writeFile(ATTACK, 'pwned'),
    'fs.promises.appendFile': () => fsp.appendFile(ATTACK, 'pwned'),
    'fs.promises.copyFile': () => fsp.copyFile(box.report, ATTACK),
    'fs.promises.rename': () => fsp.rename(box.report, ATTACK),
    'fs.promises.truncate': () => fsp.truncate(ATTACK),
    'fs.writeFile': () => viaCallback((done) => fs.writeFile(ATTACK, 'pwned', done)).then(({ err }) => Promise.reject(err)),
    'fs.rename': () => viaCallback((done) => fs.rename(box.report, ATTACK, done)).then(({ err }) => Promise.reject(err)),
  };
  for (const [sink, attempt] of Object.entries(attempts)) {
    let outcome: unknown;
    try {
      await withInput(query(INPUT), attempt);
    } catch (error) {
      outcome = error;
    }
    t.type(outcome, RampartBlockedError, `${sink} blocked`);
    t.equal((outcome as RampartBlockedError).sink, sink);
    t.ok(canaryIntact(), 'canary unchanged');
    t.ok(fs.existsSync(box.report), 'the source of a refused move is still there');
  }
  events.reset();
});

t.test('linking the canary into the base is refused, no link appears', async (t) => {
  const leak = join(box.base, 'leak.txt');
  t.throws(() => withInput(query(INPUT), () => fs.symlinkSync(INPUT, leak)), blocked('fs.symlinkSync'));
  t.throws(() => withInput(query(INPUT), () => fs.linkSync(ATTACK, leak)), blocked('fs.linkSync'));
  await t.rejects(withInput(query(INPUT), () => fsp.symlink(INPUT, leak)), blocked('fs.promises.symlink'));
  const { err } = await withInput(query(INPUT), () => viaCallback((done) => fs.link(ATTACK, leak, done)));
  t.match(err, blocked('fs.link'));
  t.notOk(fs.existsSync(leak), 'no link was made');
  events.reset();
});

t.test('deleting outside the base is refused, the files stay', async (t) => {
  const keep = join(box.root, 'keepdir');
  fs.mkdirSync(keep, { recursive: true });
  const dirInput = '../../keepdir';
  t.throws(() => withInput(query(INPUT), () => fs.unlinkSync(ATTACK)), blocked('fs.unlinkSync'));
  t.throws(() => withInput(query(INPUT), () => fs.rmSync(ATTACK, { force: true })), blocked('fs.rmSync'));
  await t.rejects(withInput(query(INPUT), () => fsp.unlink(ATTACK)), blocked('fs.promises.unlink'));
  await t.rejects(withInput(query(INPUT), () => fsp.rm(ATTACK)), blocked('fs.promises.rm'));
  const unlinked = await withInput(query(INPUT), () => viaCallback((done) => fs.unlink(ATTACK, done)));
  t.match(unlinked.err, blocked('fs.unlink'));
  t.throws(() => withInput(query(dirInput), () => fs.rmdirSync(join(box.base, dirInput))), blocked('fs.rmdirSync'));
  // `..` alone names the parent: a recursive rm of it would wipe the app.
  const removed = await withInput(query('..'), () => viaCallback((done) => fs.rm(join(box.base, '..'), { recursive: true }, done)));
  t.match(removed.err, blocked('fs.rm'));
  t.ok(canaryIntact(), 'canary still there');
  t.ok(fs.existsSync(keep), 'directory still there');
  t.ok(fs.existsSync(box.report), 'base untouched');
  t.throws(() => withInput(query('../../evil'), () => fs.mkdirSync(join(box.base, '../../evil'))), blocked('fs.mkdirSync'));
  t.notOk(fs.existsSync(join(box.root, 'evil')), 'no directory created outside');
  events.reset();
});

t.test('the same operations inside the base work as before', async (t) => {
  const note = join(box.base, 'note.txt');
  withInput(query('note.txt'), () => {
    fs.writeFileSync(note, 'a');
    fs.appendFileSync(note, 'b');
    fs.copyFileSync(note, join(box.base, 'copy.txt'));
    fs.renameSync(join(box.base, 'copy.txt'), join(box.base, 'moved.txt'));
    fs.symlinkSync('note.txt', join(box.base, 'link.txt'));
  });
  t.equal(fs.readFileSync(note, 'utf8'), 'ab');
  t.equal(fs.readFileSync(join(box.base, 'moved.txt'), 'utf8'), 'ab');
  t.equal(fs.readlinkSync(join(box.base, 'link.txt')), 'note.txt');
  await withInput(query('moved.txt'), () => fsp.unlink(join(box.base, 'moved.txt')));
  const removed = await withInput(query('link.txt'), () => viaCallback((done) => fs.unlink(join(box.base, 'link.txt'), done)));
  t.equal(removed.err, null);
  t.notOk(fs.existsSync(join(box.base, 'moved.txt')));
  t.notOk(fs.existsSync(join(box.base, 'link.txt')));
  t.equal(events.attacks().length, 0, 'no finding');
});

t.test('errors of benign calls are the errors Node gives', async (t) => {
  const missing = join(box.base, 'missing.txt');
  const shapeOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return errorShape(error);
    }
    return undefined;
  };
  const rename = () => fs.renameSync(missing, join(box.base, 'other.txt'));
  const expected = shapeOf(rename);
  t.match(expected, { code: 'ENOENT', dest: join(box.base, 'other.txt') });
  t.same(withInput(query('missing.txt'), () => shapeOf(rename)), expected, 'rename keeps path and dest');
  const unlinkOutside = await viaCallback((done) => fs.unlink(missing, done));
  const unlinkInside = await withInput(query('missing.txt'), () => viaCallback((done) => fs.unlink(missing, done)));
  t.same(errorShape(unlinkInside.err), errorShape(unlinkOutside.err));
  t.equal(unlinkInside.err?.code, 'ENOENT');
  t.equal(events.attacks().length, 0);
});
