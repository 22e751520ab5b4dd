// Installs the nested fixture packages that hold previous framework majors under their
// real names (test/fixtures/legacy-frameworks: express 4, fastify 4, koa 2, NestJS 10...),
// so hooks that match by package name see what users have; the other agents
// (test/fixtures/coexistence); and the OpenTelemetry SDK lines (test/fixtures/otel-sdk2,
// otel-sdk3), each with its own single @opentelemetry/api; the bundlers (test/fixtures/bundlers);
// and a Next.js app (test/fixtures/nextjs). `npm ci` runs only when a fixture's node_modules is
// missing or was installed from another package.json or lockfile. Run by `npm test` (pretest)
// and by .ci/run after the root `npm ci`. No package needs its install scripts: the native
// parts (esbuild's binary, Next's compiler, sharp) come as prebuilt per-platform packages.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, symlinkSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
// coexistence: the other agents rampart must live beside (OpenTelemetry, dd-trace, Sentry,
// newrelic, elastic-apm-node), about 370 MB, installed in about 2 minutes; coexistence-node20:
// the OpenTelemetry line npm offers for Node 20.
const FIXTURES = [
  join(ROOT, 'test', 'fixtures', 'legacy-frameworks'),
  join(ROOT, 'test', 'fixtures', 'coexistence'),
  join(ROOT, 'test', 'fixtures', 'coexistence-node20'),
  // The two OpenTelemetry lines rampart is tested against (test/report/sdk-line-*.test.ts);
  // otel-sdk3 also holds the SDK packages every other test uses (they need Node >= 22.15, so
  // they are not root devDependencies: test/helpers/otel-sdk-packages.cjs).
  join(ROOT, 'test', 'fixtures', 'otel-sdk2'),
  join(ROOT, 'test', 'fixtures', 'otel-sdk3'),
  // esbuild and webpack for the bundled-server tests (test/bundlers/). esbuild's binary comes
  // in its optional platform package (@esbuild/linux-x64 here), which npm installs without
  // running esbuild's install script; the JavaScript API finds the binary there.
  join(ROOT, 'test', 'fixtures', 'bundlers'),
  // A Next.js 16 app (test/nextjs/), about 360 MB with Next's native compiler and sharp,
  // installed in about half a minute; built by the tests themselves (test/nextjs/build.ts).
  join(ROOT, 'test', 'fixtures', 'nextjs'),
];
// Fixtures whose app loads rampart by name (`import('rampart/register')` in the Next.js
// app's instrumentation.js) get this repository linked in as node_modules/rampart.
const LINK_RAMPART = new Set([join(ROOT, 'test', 'fixtures', 'nextjs')]);
const STAMP = '.rampart-installed';

function manifestHash(dir) {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(dir, file)));
  return hash.digest('hex');
}

/** npm as the one running this script (`npm test`), else the npm on PATH. */
function npm(args, dir) {
  const cli = process.env.npm_execpath;
  const [command, prefix] = cli !== undefined && cli.endsWith('.js') ? [process.execPath, [cli]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
  execFileSync(command, [...prefix, ...args], { cwd: dir, stdio: 'inherit' });
}

for (const dir of FIXTURES) {
  const stamp = join(dir, 'node_modules', STAMP);
  const wanted = manifestHash(dir);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) continue;
  console.log(`installing test fixture ${relative(ROOT, dir)} (npm ci)`);
  npm(['ci', '--prefix', dir, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], dir);
  if (LINK_RAMPART.has(dir)) symlinkSync(relative(join(dir, 'node_modules'), ROOT), join(dir, 'node_modules', 'rampart'), 'dir');
  writeFileSync(stamp, wanted);
}
