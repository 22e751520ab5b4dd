// The stand-in for import-in-the-middle's in-thread hooks (src/first-import-loader.ts): what
// it does before, during and after the first import, and when loading the real hooks fails.
// The real loader behind it is exercised end to end on the lines that run it
// (test/hooks/sql/postgres-esm.test.ts, test/module-loading/require-esm.test.ts).
import t from 'tap';
import { firstImportLoader, whenFirstImported } from '../../src/first-import-loader';
import { inThreadLoaderSupported } from '../../src/esm-loader';
import { runChild } from '../helpers/child';

type Context = { conditions?: readonly string[] };
const REQUIRE: Context = { conditions: ['node', 'require'] };
const IMPORT: Context = { conditions: ['node', 'import'] };
const next = (specifier: string) => ({ url: `next:${specifier}` });
const nextLoad = (url: string) => ({ source: `next:${url}` });

// First in the file: the first import is process-wide, and the tests below make one.
t.test('first-import listeners run once, before the hooks load; a failing one is reported and the import goes on', async (t) => {
  const events: string[] = [];
  const dropped = whenFirstImported(() => events.push('dropped'));
  whenFirstImported(() => events.push('listener'));
  whenFirstImported(() => {
    throw new Error('listener failed');
  });
  dropped();
  const stand = firstImportLoader([], () => {
    events.push('hooks loaded');
    return { resolve: (specifier, context, nextResolve) => nextResolve(specifier, context), load: (url, context, nextLoad) => nextLoad(url, context) };
  });
  stand.resolve('pg', REQUIRE, next);
  t.same(events, [], 'requires notify nothing');
  t.same(stand.resolve('app.mjs', IMPORT, next), { url: 'next:app.mjs' }, 'the import goes on past the failing listener');
  t.same(events, ['listener', 'hooks loaded'], 'the listener ran before the hooks loaded; the dropped one never ran');
  whenFirstImported(() => events.push('late'));
  t.doesNotThrow(() =>
    whenFirstImported(() => {
      throw new Error('late listener failed');
    }),
  );
  t.same(events.slice(2), ['late'], 'a listener added after the first import runs at once');
});

t.test('requires pass on without loading; the first import loads once and is answered by the loaded hooks', async (t) => {
  const include: string[][] = [];
  const stand = firstImportLoader(['pg'], (list) => {
    include.push(list);
    return {
      resolve: (specifier, context, nextResolve) => ({ url: `iitm:${(nextResolve(specifier, context) as { url: string }).url}` }),
      load: (url) => ({ source: `iitm:${url}` }),
    };
  });
  t.same(stand.resolve('pg', REQUIRE, next), { url: 'next:pg' });
  t.same(stand.load('file:///a.js', {}, nextLoad), { source: 'next:file:///a.js' }, 'loads before the first import pass on');
  t.same(include, [], 'nothing loaded for requires');
  t.same(stand.resolve('pg', IMPORT, next), { url: 'iitm:next:pg' }, 'the first import goes to the loaded hooks');
  t.same(stand.resolve('pg', REQUIRE, next), { url: 'iitm:next:pg' }, 'and every call after it, requires included');
  t.same(stand.load('file:///b.mjs', {}, nextLoad), { source: 'iitm:file:///b.mjs' });
  t.same(include, [['pg']], 'loaded once, for the modules given');
});

t.test('resolutions made while the hooks load (their own imports) pass on', async (t) => {
  let inner: unknown;
  const stand = firstImportLoader([], () => {
    inner = stand.resolve('./create-hook.mjs', IMPORT, next);
    return { resolve: () => ({ url: 'loaded' }), load: () => ({ source: '' }) };
  });
  t.same(stand.resolve('app.mjs', IMPORT, next), { url: 'loaded' });
  t.same(inner, { url: 'next:./create-hook.mjs' });
});

t.test('a loader that fails leaves imports working, uninstrumented, and is not retried', async (t) => {
  let tries = 0;
  const stand = firstImportLoader([], () => {
    tries++;
    throw new Error('cannot load');
  });
  t.same(stand.resolve('app.mjs', IMPORT, next), { url: 'next:app.mjs' }, 'the import that hit the failure goes on');
  t.same(stand.resolve('other.mjs', IMPORT, next), { url: 'next:other.mjs' });
  t.same(stand.load('file:///c.mjs', {}, nextLoad), { source: 'next:file:///c.mjs' });
  t.equal(tries, 1);
});

t.test('a CommonJS start loads no import-in-the-middle loader; the first import does where it runs in-thread', async (t) => {
  const code = [
    "const loaded = (file) => Object.keys(require.cache).some((f) => f.endsWith(file));",
    "const builtin = (name) => process.moduleLoadList.includes('NativeModule ' + name);",
    "const now = () => ({ loader: loaded('import-in-the-middle/register-hooks.mjs'), hook: loaded('import-in-the-middle/index.js'), workerThreads: builtin('worker_threads') });",
    'const atStart = now();',
    "import('node:path').then(() => console.log(JSON.stringify({ atStart, afterImport: now() })));",
  ].join('\n');
  const result = await runChild(['--require', 'rampart/register', '-e', code], { RAMPART_LOG_LEVEL: 'silent' }, undefined, { withoutRunnerPreloads: true });
  t.equal(result.code, 0, result.stderr);
  const seen = JSON.parse(result.stdout.trim()) as { atStart: Record<string, boolean>; afterImport: Record<string, boolean> };
  const inThread = inThreadLoaderSupported();
  t.same(seen.atStart, { loader: false, hook: false, workerThreads: false }, 'neither the loader nor the Hook (nor the worker_threads it loads) at start');
  t.same(seen.afterImport, { loader: inThread, hook: inThread, workerThreads: inThread }, inThread ? 'all three after the first import' : 'no ES module instrumentation under --require on this line');
});
