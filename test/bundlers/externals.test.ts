// The list of packages the bundler helpers keep external, and each helper's output against
// the real bundler's semantics: esbuild and webpack (from test/fixtures/bundlers) resolve a
// small entry with the helper; the Next.js helper's rules are Next's own (serverExternalPackages
// lists package names; a package both transpiled and external is a build error).
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODULE_HOOKS } from '../../src/hooks';
import { externalPackages, hookedPackageNames, isExternalRequest } from '../../src/bundlers/hooked-packages';
import { rampartEsbuildPlugin } from '../../src/bundlers/esbuild';
import { rampartWebpackExternals, withRampartWebpack } from '../../src/bundlers/webpack';
import { withRampart } from '../../src/bundlers/next';
import { ROOT, runChild } from '../helpers/child';
import { FIXTURE } from '../helpers/bundled-app';

const hooked = hookedPackageNames(MODULE_HOOKS);

t.test('the list comes from the hook declarations', async (t) => {
  for (const hook of MODULE_HOOKS) {
    if (hook.module.startsWith('node:')) {
      t.notOk(hooked.includes(hook.module), `${hook.module} is a builtin, never bundled: not listed`);
      continue;
    }
    const name = hook.module.startsWith('@') ? hook.module.split('/').slice(0, 2).join('/') : hook.module.split('/')[0]!;
    t.ok(hooked.includes(name), `${hook.module} -> ${name}`);
  }
  t.ok(hooked.includes('mysql2') && !hooked.some((n) => n.includes('/lib/')), 'files inside a package count as the package');
  t.ok(hooked.includes('@fastify/busboy'), 'scoped names stay whole');
  t.same(hooked, [...new Set(hooked)].sort(), 'distinct and sorted');
  t.same(externalPackages(), [...hooked, 'rampart'].sort(), 'plus rampart itself');
});

t.test('the build writes the same list next to the helpers', async (t) => {
  t.same(JSON.parse(readFileSync(join(ROOT, 'dist', 'bundlers', 'hooked-packages.json'), 'utf8')), hooked);
});

t.test('a request is external when it names a listed package or a file inside it', async (t) => {
  const list = externalPackages();
  for (const yes of ['pg', 'pg/lib/client', 'pg-pool', 'mysql2/promise', '@fastify/busboy', '@fastify/busboy/lib/main', 'rampart/register', 'hono/cors']) t.ok(isExternalRequest(yes, list), yes);
  for (const no of ['pgx', 'pg-promise', 'pg-protocol', '@fastify/busboyx', '@fastify/cookie', './pg', '../pg/x', 'express', '', 'mysql2x/promise']) t.notOk(isExternalRequest(no, list), no || '(empty)');
});

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ text: string }> }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuild = require(join(FIXTURE, 'node_modules', 'esbuild')) as Esbuild;

t.test('esbuild: hooked packages and their files stay run-time requires; everything else is bundled', async (t) => {
  const dir = mkdtempSync(join(FIXTURE, '.out-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'local.js'), 'module.exports = "local";\n');
  const entry = ["require('pg')", "require('pg/lib/client')", "require('mysql2/promise')", "require('@fastify/busboy')", "require('rampart/register')", "require('./local.js')"].join(';\n');
  const result = await esbuild.build({ stdin: { contents: entry, resolveDir: dir }, bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent', plugins: [rampartEsbuildPlugin()] });
  const text = result.outputFiles[0]!.text;
  for (const request of ['pg', 'pg/lib/client', 'mysql2/promise', '@fastify/busboy', 'rampart/register']) t.match(text, `require("${request}")`, request);
  t.match(text, /"local"/, 'the local file is inlined');
  t.notMatch(text, /require\("\.\/local\.js"\)/);
});

interface Stats {
  hasErrors(): boolean;
  toJson(options: object): { errors?: Array<{ message: string }> };
}
type Webpack = (config: object, callback: (error: Error | null, stats?: Stats) => void) => void;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const webpack = require(join(FIXTURE, 'node_modules', 'webpack')) as Webpack;

t.test('webpack: the externals function makes run-time requires and keeps the config’s own externals', async (t) => {
  const dir = mkdtempSync(join(FIXTURE, '.out-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'local.js'), 'module.exports = "local";\n');
  writeFileSync(join(dir, 'entry.js'), "require('pg/lib/client'); require('sqlite3'); require('own-external'); require('./local.js');\n");
  const config = withRampartWebpack({ mode: 'development', devtool: false, target: 'node', context: dir, entry: './entry.js', externals: { 'own-external': 'commonjs own-external' }, output: { path: dir, filename: 'out.js' } });
  t.equal((config.externals as unknown[]).length, 2, "rampart's function first, then the config's own");
  const stats = await new Promise<Stats>((resolve, reject) => webpack(config, (error, result) => (error ? reject(error) : resolve(result!))));
  t.same(stats.toJson({ all: false, errors: true }).errors?.map((e) => e.message), []);
  const text = readFileSync(join(dir, 'out.js'), 'utf8');
  for (const request of ['pg/lib/client', 'sqlite3', 'own-external']) t.match(text, `module.exports = require("${request}")`, request);
  t.match(text, /module\.exports = "local"/, 'the local file is bundled');
});

t.test('webpack: the externals function answers through its callback, with the chosen type', async (t) => {
  const answers: Array<[unknown, unknown]> = [];
  const external = rampartWebpackExternals({ type: 'node-commonjs' });
  for (const request of ['pg', 'express', undefined]) external({ request }, (error, result) => answers.push([error, result]));
  t.same(answers, [[null, 'node-commonjs pg'], [undefined, undefined], [undefined, undefined]]);
  t.throws(() => rampartWebpackExternals({ type: 'var' as never }), /type must be one of commonjs, node-commonjs, module; got var/);
  t.same((withRampartWebpack({}).externals as unknown[]).length, 1, 'no externals of its own');
  t.same((withRampartWebpack({ externals: /x/ }).externals as unknown[])[1], /x/, 'a single entry of its own');
});

t.test('next: withRampart adds the packages to serverExternalPackages and keeps the rest', async (t) => {
  const config = withRampart({ reactStrictMode: true, serverExternalPackages: ['sharp', 'pg'] });
  t.equal(config.reactStrictMode, true);
  const list = config.serverExternalPackages!;
  t.same(list.slice(0, 2), ['sharp', 'pg'], 'own entries first');
  t.same(new Set(list).size, list.length, 'no duplicates');
  t.same([...list].sort(), [...new Set(['sharp', ...externalPackages()])].sort());
  t.ok(list.every((name) => !name.includes('/lib/')), 'package names only, as Next expects');
  t.same(withRampart({}).serverExternalPackages, externalPackages());
});

t.test('next: a package the app transpiles is left bundled (Next rejects one that is both)', async (t) => {
  const config = withRampart({ transpilePackages: ['ws', 'ui-kit'], experimental: { optimizePackageImports: ['graphql'] } });
  const list = config.serverExternalPackages!;
  const conflicts = (config.transpilePackages ?? []).filter((name) => list.includes(name));
  t.same(conflicts, [], "Next's transpilePackages/serverExternalPackages rule holds");
  t.notOk(list.includes('graphql'), 'an optimized import is transpiled by Next too');
  t.ok(list.includes('pg'));
});

t.test('next: a config function (sync or async) is wrapped', async (t) => {
  const sync = withRampart((phase: string) => ({ transpilePackages: ['ui-kit'], env: { phase } }));
  const made = await sync('phase-production-server', { defaultConfig: {} });
  t.same(made.env, { phase: 'phase-production-server' });
  t.ok(made.serverExternalPackages?.includes('better-sqlite3'));
  const later = withRampart(async () => ({ serverExternalPackages: ['x'] }));
  const awaited = await later('phase-production-build', { defaultConfig: {} });
  t.same(awaited.serverExternalPackages?.[0], 'x');
  t.ok(awaited.serverExternalPackages?.includes('undici'));
});

t.test('the helpers load by their package names, from CommonJS and from ES modules (build scripts, next.config.mjs)', async (t) => {
  const script = [
    "import { rampartEsbuildPlugin } from 'rampart/esbuild';",
    "import { withRampartWebpack } from 'rampart/webpack';",
    "import { withRampart } from 'rampart/next';",
    'console.log(JSON.stringify([rampartEsbuildPlugin().name, withRampartWebpack({}).externals.length, withRampart({}).serverExternalPackages]));',
  ].join('\n');
  const esm = await runChild(['--input-type=module', '-e', script]);
  t.equal(esm.code, 0, esm.stderr);
  t.same(JSON.parse(esm.stdout), ['rampart-externals', 1, externalPackages()]);
  const cjs = await runChild(['-e', "console.log(JSON.stringify(require('rampart/next').withRampart({}).serverExternalPackages))"]);
  t.same(JSON.parse(cjs.stdout), externalPackages());
});
