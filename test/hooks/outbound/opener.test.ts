// Who opened a connection, read from the call stack: the app's code, a dependency (a
// driver's pool), an OpenTelemetry exporter or an APM agent's own export. Packages are real
// modules in a node_modules folder of a temp dir, each calling the classifier itself.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openedBy, type Opener } from '../../../src/hooks/sinks/outbound/opener';

const root = mkdtempSync(join(tmpdir(), 'rampart-opener-'));
const opener = require.resolve('../../../src/hooks/sinks/outbound/opener');

/** Writes node_modules/<name>/index.js exporting `body` as a function of (openedBy, next). */
type Next = () => Opener | Promise<Opener>;

function pkg(name: string, body: string): (next?: Next) => Promise<Opener> {
  const dir = join(root, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), `const { openedBy } = require(${JSON.stringify(opener)});\nmodule.exports = ${body};\n`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(dir, 'index.js')) as (next?: Next) => Promise<Opener>;
}

const driver = pkg('some-driver', 'async (next) => (next ?? openedBy)()');
const exporter = pkg('@opentelemetry/otlp-exporter-fixture', 'async () => openedBy()');
const instrumentation = pkg('@opentelemetry/instrumentation-fixture', 'async (next) => next()');
const agent = pkg('dd-trace', 'async (next) => next ? next() : new Promise((resolve) => setImmediate(() => resolve(openedBy())))');

t.test('classifies the first caller past rampart, wrappers and internals', async (t) => {
  t.same(openedBy(), { by: 'app', via: undefined }, "the app's own code");
  t.same(await driver(), { by: 'library', via: undefined }, 'a dependency');
  t.same(await driver(() => openedBy()), { by: 'app', via: undefined }, 'a callback the app gave a dependency is the app');
  t.same(await exporter(), { by: 'telemetry', via: undefined }, 'an OpenTelemetry exporter');
  t.same(await instrumentation(() => openedBy()), { by: 'app', via: undefined }, 'an instrumentation wrapper is passed through');
  t.same(await instrumentation(() => driver()), { by: 'library', via: undefined }, '... to whoever called it');
  t.same(await agent(), { by: 'telemetry', via: undefined }, "an agent's own call, from a timer");
  t.same(await agent(() => openedBy()), { by: 'app', via: undefined }, "an agent's wrapper around the app's call");
});
