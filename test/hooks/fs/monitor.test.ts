// Monitor mode: the call runs as if rampart were absent, and exactly one finding is
// reported per call, even where Node calls other fs functions inside it (streams open
// their file, exists calls access, realpath calls lstat, cp and rm walk the tree).
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { CANARY_TEXT, makeSandbox, viaCallback } from './sandbox';

const events = captureOtelLogs();
start({ logLevel: 'silent', mode: 'monitor' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsp = require('node:fs/promises') as typeof import('node:fs/promises');

const box = makeSandbox('monitor');
const query = (value: string) => ({ source: 'query' as const, name: 'file', value });
const INPUT = '../../canary.txt';
const ATTACK = join(box.base, INPUT);

function oneFinding(t: Test, sink: string): void {
  const found = events.attacks();
  t.equal(found.length, 1, `one finding for ${sink}`);
  t.equal(found[0]?.attributes['rampart.sink'], sink);
  t.equal(found[0]?.attributes['rampart.action'], 'monitored');
  events.reset();
}

t.test('reads happen and are reported once', async (t) => {
  t.equal(withInput(query(INPUT), () => fs.readFileSync(ATTACK, 'utf8')), CANARY_TEXT);
  oneFinding(t, 'fs.readFileSync');
  const cb = await withInput(query(INPUT), () => viaCallback<string>((done) => fs.readFile(ATTACK, 'utf8', done)));
  t.equal(cb.value, CANARY_TEXT);
  oneFinding(t, 'fs.readFile');
  t.equal(await withInput(query(INPUT), () => fsp.readFile(ATTACK, 'utf8')), CANARY_TEXT);
  oneFinding(t, 'fs.promises.readFile');
  const streamed = await withInput(
    query(INPUT),
    () =>
      new Promise<string>((resolve, reject) => {
        let text = '';
        fs.createReadStream(ATTACK, 'utf8').on('data', (c) => (text += c)).on('end', () => resolve(text)).on('error', reject);
      }),
  );
  t.equal(streamed, CANARY_TEXT);
  oneFinding(t, 'fs.createReadStream');
});

t.test('calls Node builds from other fs calls are reported once, at the entry point', async (t) => {
  const exists = await withInput(query(INPUT), () => new Promise<boolean>((resolve) => fs.exists(ATTACK, resolve)));
  t.equal(exists, true);
  oneFinding(t, 'fs.exists');
  t.equal(await withInput(query(INPUT), () => promisify(fs.exists)(ATTACK)), true);
  oneFinding(t, 'fs.exists');
  const real = await withInput(query(INPUT), () => viaCallback<string>((done) => fs.realpath(ATTACK, done)));
  t.equal(real.value, box.canary);
  oneFinding(t, 'fs.realpath');
  const copy = join(box.root, 'copied');
  withInput(query('../../copied'), () => fs.cpSync(box.base, join(box.base, '../../copied'), { recursive: true }));
  t.ok(fs.existsSync(join(copy, 'report.txt')), 'cpSync copied the tree');
  oneFinding(t, 'fs.cpSync');
  await withInput(query('../../copied'), () => fsp.rm(join(box.base, '../../copied'), { recursive: true }));
  t.notOk(fs.existsSync(copy), 'rm removed it');
  oneFinding(t, 'fs.promises.rm');
});

t.test('writes happen and are reported once', async (t) => {
  const target = join(box.root, 'written.txt');
  withInput(query('../../written.txt'), () => fs.writeFileSync(join(box.base, '../../written.txt'), 'x'));
  t.equal(fs.readFileSync(target, 'utf8'), 'x');
  oneFinding(t, 'fs.writeFileSync');
  await withInput(query('../../written.txt'), () => viaCallback((done) => fs.unlink(join(box.base, '../../written.txt'), done)));
  t.notOk(fs.existsSync(target));
  oneFinding(t, 'fs.unlink');
});
