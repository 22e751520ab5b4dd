// A real webpack 5 server build of the Express + pg + better-sqlite3 app
// (test/fixtures/bundlers): with rampart's externals (withRampartWebpack), pg and
// better-sqlite3 are required at run time and every attack is refused; without them, the
// development build's module ids name the bundled drivers and the start-up warning does too.
// webpack comes from the fixture (scripts/install-test-fixtures.js).
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withRampartWebpack } from '../../dist/bundlers/webpack';
import { appData, byEvent, ENTRY, FIXTURE, provesProtected, startBundle, waitForLine } from '../helpers/bundled-app';

interface Stats {
  toJson(options: object): { errors?: Array<{ message: string }> };
}
type Webpack = ((config: object, callback: (error: Error | null, stats?: Stats) => void) => void) & { version: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const webpack = require(join(FIXTURE, 'node_modules', 'webpack')) as Webpack;

const data = appData();

async function build(t: Test, name: string, helper: boolean): Promise<string> {
  const config = {
    mode: 'development', // module ids are paths; a production build's are numbers (docs/bundlers.md)
    devtool: false,
    target: 'node',
    context: FIXTURE,
    entry: ENTRY,
    // pg's optional native client, which every webpack user of pg leaves out.
    externals: { 'pg-native': 'commonjs pg-native' },
    output: { path: data.outDir, filename: `${name}.js` },
    infrastructureLogging: { level: 'error' },
  };
  const stats = await new Promise<Stats>((resolve, reject) => {
    webpack(helper ? withRampartWebpack(config) : config, (error, result) => (error ? reject(error) : resolve(result!)));
  });
  t.same(stats.toJson({ all: false, errors: true }).errors?.map((e) => e.message), [], `webpack ${webpack.version} built ${name}`);
  return join(data.outDir, `${name}.js`);
}

t.test('built with withRampartWebpack()', async (t) => {
  const file = await build(t, 'with-helper', true);
  const text = readFileSync(file, 'utf8');
  t.match(text, /module\.exports = require\("pg"\)/, 'pg is a run-time require');
  t.match(text, /module\.exports = require\("better-sqlite3"\)/, 'better-sqlite3 is a run-time require');
  t.notMatch(text, /node_modules\/pg\/lib/, 'no pg code inside the bundle');

  const app = await startBundle(t, file, data);
  const checked = await waitForLine(app, byEvent('rampart.inlined_check'));
  t.same(checked?.packages, [], 'the start-up check ran and found nothing bundled');
  await provesProtected(t, app, data);
  t.equal(app.lines.filter(byEvent('rampart.inlined_packages')).length, 0, 'no warning');
});

t.test('built without the helper: the warning names pg and better-sqlite3', async (t) => {
  const file = await build(t, 'without-helper', false);
  t.match(readFileSync(file, 'utf8'), /"[^"\n]*node_modules\/pg\/lib\/client\.js"/, "webpack's module id for pg");
  const app = await startBundle(t, file, data);
  const warning = await waitForLine(app, byEvent('rampart.inlined_packages'));
  t.same(warning?.packages, ['better-sqlite3', 'pg', 'pg-pool']);
  t.match(warning?.msg, /rampartWebpackExternals\(\) from rampart\/webpack/);
});
