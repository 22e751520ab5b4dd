// A real esbuild bundle of an Express + pg + better-sqlite3 server (test/fixtures/bundlers):
// built with rampart's esbuild plugin, pg and better-sqlite3 stay external and every attack
// is refused; built without it, they are inside the bundle, rampart cannot hook them, and
// the start-up warning names them. esbuild comes from the fixture (scripts/install-test-fixtures.js).
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rampartEsbuildPlugin } from '../../dist/bundlers/esbuild';
import { request } from '../helpers/http';
import { appData, byEvent, ENTRY, FIXTURE, provesProtected, startBundle, waitForLine } from '../helpers/bundled-app';

/** The part of esbuild's API the test uses (its types live in the fixture's node_modules). */
interface Esbuild {
  version: string;
  build(options: Record<string, unknown>): Promise<{ errors: unknown[] }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuild = require(join(FIXTURE, 'node_modules', 'esbuild')) as Esbuild;

const data = appData();

async function bundle(t: Test, name: string, extra: Record<string, unknown>): Promise<string> {
  const options = { entryPoints: [ENTRY], bundle: true, platform: 'node', format: 'cjs', outfile: join(data.outDir, `${name}.js`), logLevel: 'silent', ...extra };
  const outfile = options.outfile as string;
  const result = await esbuild.build(options);
  t.same(result.errors, [], `esbuild ${esbuild.version} built ${name}`);
  return outfile;
}

t.test('built with rampartEsbuildPlugin()', async (t) => {
  const file = await bundle(t, 'with-plugin', { plugins: [rampartEsbuildPlugin()] });
  const text = readFileSync(file, 'utf8');
  t.match(text, /require\("pg"\)/, 'pg is required at run time');
  t.match(text, /require\("better-sqlite3"\)/, 'better-sqlite3 is required at run time');
  t.notMatch(text, /node_modules\/pg\//, 'no pg code inside the bundle');
  t.notMatch(text, /node_modules\/better-sqlite3\//, 'no better-sqlite3 code inside the bundle');
  t.match(text, /node_modules\/express\//, 'the rest of the app is bundled');

  const app = await startBundle(t, file, data);
  const checked = await waitForLine(app, byEvent('rampart.inlined_check'));
  t.same(checked?.packages, [], 'the start-up check ran and found nothing bundled');
  await provesProtected(t, app, data);
  t.equal(app.lines.filter(byEvent('rampart.inlined_packages')).length, 0, 'no warning');
});

t.test('built with the plugin as an ES module bundle, run under --import', async (t) => {
  // The app is CommonJS: its require() calls need a require in ES module output, which the
  // usual createRequire banner provides (docs/bundlers.md).
  const banner = { js: "import { createRequire as __rampartTestRequire } from 'node:module'; const require = __rampartTestRequire(import.meta.url);" };
  const file = await bundle(t, 'with-plugin-esm', { plugins: [rampartEsbuildPlugin()], format: 'esm', outfile: join(data.outDir, 'with-plugin-esm.mjs'), banner });
  t.match(readFileSync(file, 'utf8'), /__require\("pg"\)/, 'pg stays a run-time require');
  const app = await startBundle(t, file, data, '--import');
  const checked = await waitForLine(app, byEvent('rampart.inlined_check'));
  t.same(checked?.packages, [], 'the start-up check read the ES module entry and found nothing bundled');
  await provesProtected(t, app, data);
});

t.test('built without the plugin: the warning names pg and better-sqlite3, and they are not protected', async (t) => {
  // pg-native is pg's optional native client: every esbuild user of pg marks it external.
  const file = await bundle(t, 'without-plugin', { external: ['pg-native'] });
  t.match(readFileSync(file, 'utf8'), /\/\/ [^\n]*node_modules\/pg\/lib\/client\.js\n/, "esbuild's module marker for pg");

  const app = await startBundle(t, file, data);
  const warning = await waitForLine(app, byEvent('rampart.inlined_packages'));
  t.equal(warning?.level, 'warn');
  t.same(warning?.packages, ['better-sqlite3', 'pg', 'pg-pool']);
  t.equal(warning?.file, file);
  t.match(warning?.msg, /better-sqlite3, pg, pg-pool are bundled into .*NOT protected.*rampartEsbuildPlugin\(\) from rampart\/esbuild.*docs\/bundlers\.md/);

  // What the warning is about (docs/bundlers.md): read-only attacks on the bundled drivers
  // go through. Nothing destructive is sent.
  const leaked = await request(`${app.base}/sqlite/note?id=${encodeURIComponent('0 UNION SELECT secret FROM secrets')}`);
  t.same(leaked.json(), [{ body: 'sqlite-secret-token' }], 'the bundled better-sqlite3 is not protected');
  const rows = await request(`${app.base}/pg/user?name=${encodeURIComponent("' OR '1'='1")}`);
  t.equal((rows.json() as unknown[]).length, 2, 'the bundled pg is not protected');

  t.equal(app.lines.filter(byEvent('rampart.inlined_packages')).length, 1, 'warned once');
});
