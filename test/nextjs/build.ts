// Builds the Next.js fixture app (test/fixtures/nextjs) once for all test files: `next build`
// costs a minute or more of CPU, so its output (.next/) is kept and reused while the app's
// sources are unchanged. The build is keyed by a hash of the sources and Next's lockfile,
// written next to the output when the build succeeded; a lock directory keeps two test
// files that start together from building at once.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/child';

export const APP_DIR = join(ROOT, 'test', 'fixtures', 'nextjs');
export const NEXT_BIN = join(APP_DIR, 'node_modules', 'next', 'dist', 'bin', 'next');

const SOURCES = ['app', 'pages', 'lib', 'next.config.mjs', 'proxy.js', 'instrumentation.js', 'package-lock.json'];
const STAMP = join(APP_DIR, '.next', 'rampart-build-stamp');
// rampart as an app installs it: a real folder in node_modules holding package.json and
// dist/ (a link to the repository would be inlined by Turbopack despite serverExternalPackages,
// so `await import('rampart/register')` in instrumentation.js would not load the built copy).
const INSTALLED = join(APP_DIR, 'node_modules', 'rampart');
const INSTALLED_STAMP = join(INSTALLED, '.rampart-dist-stamp');
const LOCK = join(APP_DIR, '.rampart-build-lock');

/** A hash of the files under `paths` (each a file or a folder, below `base`), names and contents. */
function treeHash(base: string, paths: readonly string[]): string {
  const hash = createHash('sha256');
  const add = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name));
    } else {
      hash.update(path.slice(base.length)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const path of paths) add(join(base, path));
  return hash.digest('hex');
}

const sourceHash = (): string => treeHash(APP_DIR, SOURCES);
/** A hash of the repository's package.json and dist/ (what an install of rampart holds). */
const distHash = (): string => treeHash(ROOT, ['package.json', 'dist']);

const installedHash = (): string | undefined => (existsSync(INSTALLED_STAMP) ? readFileSync(INSTALLED_STAMP, 'utf8') : undefined);

/** Copies package.json and dist/ into the app's node_modules/rampart, replacing a link or an older copy. */
function installRampart(hash: string): void {
  const next = `${INSTALLED}.new`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next);
  cpSync(join(ROOT, 'package.json'), join(next, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(next, 'dist'), { recursive: true });
  writeFileSync(join(next, '.rampart-dist-stamp'), hash);
  if (existsSync(INSTALLED) || lstatSync(INSTALLED, { throwIfNoEntry: false }) !== undefined) rmSync(INSTALLED, { recursive: true, force: true });
  renameSync(next, INSTALLED);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Makes sure .next/ holds a build of the current sources; returns how long the build took (0 when reused). */
export function ensureBuilt(): number {
  if (!existsSync(NEXT_BIN)) throw new Error('test/fixtures/nextjs is not installed: run `node scripts/install-test-fixtures.js` (npm test does).');
  const wanted = sourceHash();
  const dist = distHash();
  const current = (): string | undefined => (existsSync(STAMP) ? readFileSync(STAMP, 'utf8') : undefined);
  for (;;) {
    if (current() === wanted && installedHash() === dist) return 0;
    try {
      mkdirSync(LOCK);
    } catch {
      // Another test file is building; a lock older than ten minutes was left by a killed run.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 600_000) rmSync(LOCK, { recursive: true, force: true });
      sleep(1000);
      continue;
    }
    try {
      if (installedHash() !== dist) installRampart(dist);
      if (current() === wanted) return 0;
      const started = Date.now();
      const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], {
        cwd: APP_DIR,
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_OPTIONS: '' },
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`next build failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
      writeFileSync(STAMP, wanted);
      return Date.now() - started;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
