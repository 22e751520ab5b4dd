// path.allowedRoots: an app that lets users pick absolute paths under an upload directory
// keeps working; absolute paths elsewhere, and traversal, are still refused.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { CANARY_TEXT, makeSandbox } from './sandbox';

const box = makeSandbox('roots');
const uploads = join(box.root, 'uploads');
mkdirSync(join(uploads, 'alice'), { recursive: true });
writeFileSync(join(uploads, 'alice', 'photo.txt'), 'a photo');

const events = captureOtelLogs();
start({ logLevel: 'silent', path: { allowedRoots: [uploads] } });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsp = require('node:fs/promises') as typeof import('node:fs/promises');
const body = (value: string) => ({ source: 'body' as const, name: 'path', value });

t.test('a user-chosen absolute path under an allowed root goes through', async (t) => {
  const chosen = join(uploads, 'alice', 'photo.txt');
  t.equal(withInput(body(chosen), () => fs.readFileSync(chosen, 'utf8')), 'a photo');
  t.equal(await withInput(body(chosen), () => fsp.readFile(chosen, 'utf8')), 'a photo');
  const dir = join(uploads, 'alice');
  t.same(withInput(body(dir), () => fs.readdirSync(dir)), ['photo.txt']);
  t.equal(events.attacks().length, 0, 'no finding');
});

t.test('absolute paths outside the allowed roots are still refused', async (t) => {
  t.throws(() => withInput(body(box.canary), () => fs.readFileSync(box.canary, 'utf8')), RampartBlockedError);
  // Starts under the root, then climbs out of it.
  const climbing = `${uploads}/../canary.txt`;
  let value: unknown;
  t.throws(() => {
    value = withInput(body(climbing), () => fs.readFileSync(climbing, 'utf8'));
  }, RampartBlockedError);
  t.not(value, CANARY_TEXT);
  const [event] = events.attacks();
  t.equal(event?.attributes['security_rule.name'], 'path.absolute');
  events.reset();
});

t.test('traversal from a base directory is not what allowedRoots is about', async (t) => {
  const input = '../../canary.txt';
  t.throws(() => withInput(body(input), () => fs.readFileSync(join(box.base, input))), RampartBlockedError);
  events.reset();
});

t.test('without the option the same user-chosen path is refused (the option is what let it through)', async (t) => {
  stop();
  start({ logLevel: 'silent' });
  const chosen = join(uploads, 'alice', 'photo.txt');
  t.throws(() => withInput(body(chosen), () => fs.readFileSync(chosen, 'utf8')), RampartBlockedError);
  events.reset();
});
