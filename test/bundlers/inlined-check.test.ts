// The start-up check for hooked packages carried inside a bundle: its marker rules on
// bundler output shapes, and no false alarm on ordinary unbundled apps (CommonJS and ESM).
import t from 'tap';
import { inlinedPackages, markedPackages } from '../../src/bundlers/inlined-markers';
import { startChildApp } from '../helpers/child';
import { request } from '../helpers/http';
import { byEvent, waitForLine } from '../helpers/bundled-app';

const packages = ['better-sqlite3', 'pg', 'pg-pool', '@fastify/busboy'];
const none = new Set<string>();
const hasBundlerMarker = (source: string, name: string): boolean => markedPackages(source, [name]).has(name);

t.test('bundler markers: module paths as esbuild, webpack and Turbopack write them', async (t) => {
  const marked = [
    '// node_modules/pg/lib/client.js\nvar require_client = __commonJS({',
    '// ../../main/node_modules/pg/lib/index.js\n',
    '// node_modules/.pnpm/pg@8.16.0/node_modules/pg/lib/client.js\n',
    '/***/ "./node_modules/pg/lib/client.js":\n/*!*** ./node_modules/pg/lib/client.js ***!*/',
    '"[project]/node_modules/pg/lib/client.js [app-route] (ecmascript)": ((__turbopack_context__) => {',
    '  "node_modules/pg/package.json"(exports, module) {',
  ];
  for (const source of marked) t.ok(hasBundlerMarker(source, 'pg'), source.slice(0, 60));
  const unmarked = [
    "const pg = require('pg');",
    '// see node_modules/pg/ for details',
    'my_node_modules/pg/lib/client.js',
    '// node_modules/pg-pool/index.js',
    '// node_modules/pg/lib/client.ts',
    '// node_modules/pgx/lib/client.js',
    `// node_modules/pg/${'a'.repeat(600)}.js`,
    '',
  ];
  for (const source of unmarked) t.notOk(hasBundlerMarker(source, 'pg'), source.slice(0, 60) || '(empty)');
  t.ok(hasBundlerMarker('// node_modules/@fastify/busboy/lib/main.js\n', '@fastify/busboy'), 'scoped package');
  t.same([...markedPackages('// node_modules/pg/lib/a.js\n// node_modules/ws/index.js\n// node_modules/koa/x.ts\n', ['koa', 'pg', 'ws', 'hono'])].sort(), ['pg', 'ws'], 'several names in one pass');
});

t.test('inlined: marked or addon-only, and never seen through require or import', async (t) => {
  const source = '// node_modules/pg/lib/client.js\n// node_modules/pg-pool/index.js\n';
  t.same(inlinedPackages({ source, packages, requiredFiles: [], patched: none }), ['pg', 'pg-pool']);
  t.same(inlinedPackages({ source, packages, requiredFiles: [], patched: new Set(['pg']) }), ['pg-pool'], 'a package a hook patched is not inlined');
  t.same(inlinedPackages({ source, packages, requiredFiles: ['/app/node_modules/pg-pool/index.js'], patched: none }), ['pg'], 'a package loaded through require is not');
  t.same(inlinedPackages({ source: '', packages, requiredFiles: ['C:\\app\\node_modules\\pg\\lib\\index.js', 'C:\\app\\node_modules\\@fastify\\busboy\\build\\x.node'], patched: none }), ['@fastify/busboy'], 'Windows paths');
  const addon = '/srv/node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  t.same(inlinedPackages({ source: 'minified', packages, requiredFiles: [addon], patched: none }), ['better-sqlite3'], 'the addon alone: its JavaScript was bundled (minified bundles too)');
  t.same(inlinedPackages({ source: 'minified', packages, requiredFiles: [addon, '/srv/node_modules/better-sqlite3/lib/index.js'], patched: none }), [], 'the addon with its JavaScript: an ordinary load');
  t.same(inlinedPackages({ source: "const pg = require('pg')", packages, requiredFiles: [], patched: none }), [], 'an unbundled app that has not loaded pg yet');
  const pnpm = '/app/node_modules/.pnpm/pg@8.13.0/node_modules/pg/lib/index.js';
  t.same(inlinedPackages({ source, packages, requiredFiles: [pnpm], patched: none }), ['pg-pool'], 'a package loaded from a nested (pnpm) folder is not inlined');
  t.same(inlinedPackages({ source, packages, requiredFiles: ['/app/node_modules/pg-pool-extra/index.js', '/app/my_node_modules/pg/index.js'], patched: none }), ['pg', 'pg-pool'], 'only files inside the package itself count');
});

for (const [flag, entry] of [
  ['--require', 'test/fixtures/sqlite-server.js'],
  ['--import', 'test/fixtures/sqlite-server.mjs'],
] as const) {
  t.test(`no false alarm on an unbundled app (${flag} rampart/register ${entry})`, async (t) => {
    const app = await startChildApp([flag, 'rampart/register', entry], { RAMPART_LOG_LEVEL: 'debug' });
    t.teardown(() => app.stop());
    const checked = await waitForLine(app, byEvent('rampart.inlined_check'));
    t.same(checked?.packages, [], 'the check ran and found nothing');
    t.match(String(checked?.file), entry.replace(/.*\//, ''), 'it read the entry file');
    t.equal((await request(`${app.base}/?name=${encodeURIComponent("' OR 1=1 --")}`)).status, 403, 'better-sqlite3 is protected');
    t.equal(app.lines.filter(byEvent('rampart.inlined_packages')).length, 0, 'no warning');
  });
}
