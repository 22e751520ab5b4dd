// The index of require's cache by package (src/hooks/loaded-packages.ts) answers what the
// per-entry scans it replaced answered: `file.includes('/node_modules/<name>/')` for a
// package, `file.endsWith('/node_modules/<module><ext>')` for a file inside one.
import t from 'tap';
import { indexLoadedPackages } from '../../src/hooks/loaded-packages';

const FILES = [
  '/app/server.js',
  '/app/node_modules/pg/lib/index.js',
  '/app/node_modules/pg/lib/client.js',
  '/app/node_modules/@prisma/client/index.js',
  '/app/node_modules/knex/node_modules/mysql2/lib/base/connection.js',
  '/app/node_modules/mysql2/lib/base/connection.js',
  '/app/node_modules/sqlite3/lib/sqlite3.js',
  '/app/node_modules/rampart/dist/agent.js',
  '/app/node_modules/@scope-only',
  '/app/node_modules/dangling',
  '/srv/pg-copy/lib/index.js',
];

const NAMES = ['pg', 'mysql2', 'knex', 'sqlite3', '@prisma/client', 'prisma', 'rampart', 'express', 'lib', 'dangling', '@scope-only', 'pg-copy', 'client'];
const FILE_MODULES = ['mysql2/lib/base/connection', 'pg/lib/client', 'pg/lib', 'sqlite3/lib/sqlite3', 'base/connection', 'lib/base/connection'];

t.test('a package is held exactly when some cached path has /node_modules/<name>/ in it', async (t) => {
  const index = indexLoadedPackages(FILES);
  for (const name of NAMES) {
    const expected = FILES.some((file) => file.includes(`/node_modules/${name}/`));
    t.equal(index.holdsPackage(name), expected, `${name}: ${expected}`);
  }
  t.ok(index.holdsPackage('mysql2'), 'nested under another package counts');
  // Where the old scan differed: it matched a bare scope, which names no package a hook declares.
  t.notOk(index.holdsPackage('@prisma'), 'a scope alone is not a package');
});

t.test("a file inside a package is found by the path's end, under every copy of the package", async (t) => {
  const index = indexLoadedPackages(FILES);
  for (const module of FILE_MODULES) {
    const suffixes = ['.js', '.cjs', '/index.js'].map((ext) => `/node_modules/${module}${ext}`);
    const expected = FILES.filter((file) => suffixes.some((suffix) => file.endsWith(suffix))).sort();
    const found = ['.js', '.cjs', '/index.js'].flatMap((ext) => index.filesEndingWith(`${module}${ext}`)).sort();
    t.same(found, expected, module);
  }
  t.equal(index.filesEndingWith('mysql2/lib/base/connection.js').length, 2, 'both copies of mysql2');
});

t.test('an empty cache holds nothing', async (t) => {
  const index = indexLoadedPackages([]);
  t.notOk(index.holdsPackage('pg'));
  t.same(index.filesEndingWith('pg/index.js'), []);
});
