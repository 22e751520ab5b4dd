// Node's own fs use is never taken for the app's: require() and import() inside a request
// read files through the hooked functions, with paths an input may well match.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { runChild } from '../../helpers/child';
import { captureOtelLogs } from '../../helpers/otel';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');

// dir/lib/loaded-by-node.{js,mjs}: an input `../lib/loaded-by-node.js` "climbs out of
// its directory and lands on" exactly these paths, so an app read of them is refused.
const dir = mkdtempSync(join(tmpdir(), 'rampart-fs-loader-'));
mkdirSync(join(dir, 'lib'));
writeFileSync(join(dir, 'lib', 'loaded-by-node.js'), 'module.exports = { answer: 42 };');
writeFileSync(join(dir, 'lib', 'loaded-by-node.mjs'), 'export const answer = 42;');
const cjs = join(dir, 'lib', 'loaded-by-node.js');
const query = (value: string) => ({ source: 'query' as const, name: 'file', value });

t.test('require() and require.resolve() inside a request load the module', async (t) => {
  const input = query('../lib/loaded-by-node.js');
  t.throws(() => withInput(input, () => fs.readFileSync(cjs, 'utf8')), RampartBlockedError, 'control: the app reading it is refused');
  events.reset();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = withInput(input, () => require(cjs) as { answer: number });
  t.equal(loaded.answer, 42);
  t.equal(withInput(input, () => require.resolve(cjs)), cjs);
  t.equal(events.attacks().length, 0, 'no finding from the loader');
});

t.test('import() through the in-thread ESM loader (fs.promises.readFile) loads the module', async (t) => {
  const { code, stdout, stderr } = await runChild(['test/fixtures/fs-traversal-loader-reads.js'], { FS_FIXTURE_DIR: dir });
  t.equal(code, 0, stderr);
  const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const { result } = lines.find((l) => l.result !== undefined) as { result: Record<string, unknown> };
  t.same(result, { imported: 42, appRead: 'RAMPART_BLOCKED' });
  const attacks = lines.filter((l) => l.event === 'rampart.attack');
  t.equal(attacks.length, 1, 'only the app read is reported');
  t.equal(attacks[0]?.['rampart.sink'], 'fs.readFileSync');
});

t.test("an app's own module loader hook reading the module's file is module loading, not the app's read", async (t) => {
  const { code, stdout, stderr } = await runChild(['test/fixtures/fs-traversal-loader-hook.js'], { FS_FIXTURE_DIR: dir });
  t.equal(code, 0, stderr);
  const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const { result } = lines.find((l) => l.result !== undefined) as { result: Record<string, unknown> };
  t.same(result.required, 42, 'require() through the hook loads the module');
  t.same(result.imported, 42, 'import() through the hook loads the module');
  t.equal(result.appRead, 'RAMPART_BLOCKED', 'the app reading the same path is refused');
  // In-thread hooks (module.registerHooks) read once for require and once for import; the
  // off-thread hook of module.register() reads in its own thread, which rampart never sees.
  t.equal(result.inThreadHookReads, result.inThread ? 2 : 0);
  const attacks = lines.filter((l) => l.event === 'rampart.attack');
  t.equal(attacks.length, 1, 'only the app read is reported');
  t.equal(attacks[0]?.['rampart.sink'], 'fs.readFileSync');
});

t.test("tsx's CommonJS loader reading the .ts file it transpiles is module loading; a module's own read is the app's", async (t) => {
  const tsDir = mkdtempSync(join(tmpdir(), 'rampart-fs-tsx-'));
  t.teardown(() => rmSync(tsDir, { recursive: true, force: true }));
  mkdirSync(join(tsDir, 'lib'));
  mkdirSync(join(tsDir, 'files'));
  writeFileSync(join(tsDir, 'lib', 'typed.ts'), 'export const answer: number = 42;\n');
  writeFileSync(join(tsDir, 'lib', 'secret.txt'), 'the secret');
  writeFileSync(join(tsDir, 'files', 'public.txt'), 'public text');
  // Its top-level code reads files/<globalThis.readAtLoad>: a module's code, run as it loads.
  writeFileSync(
    join(tsDir, 'lib', 'reads-at-load.ts'),
    "import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\nexport const text: string = readFileSync(join(__dirname, '..', 'files', (globalThis as any).readAtLoad), 'utf8');\n",
  );
  const { code, stdout, stderr } = await runChild(['--require', 'tsx/cjs', '--require', 'rampart/register', 'test/fixtures/fs-traversal-tsx.js'], { FS_FIXTURE_DIR: tsDir, RAMPART_LOG_LEVEL: 'warn' });
  t.equal(code, 0, stderr);
  const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const { result } = lines.find((l) => l.result !== undefined) as { result: Record<string, unknown> };
  t.same(result, {
    required: 42,
    appRead: 'RAMPART_BLOCKED',
    topLevelRead: 'RAMPART_BLOCKED',
    benignTopLevelRead: 'public text',
  });
  const attacks = lines.filter((l) => l.event === 'rampart.attack');
  t.same(
    attacks.map((a) => a['rampart.sink']),
    ['fs.readFileSync', 'fs.readFileSync'],
    "the app's read and the module's top-level read are reported, tsx's read is not",
  );
});
