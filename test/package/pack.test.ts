// What `npm pack` would publish: the built library, its docs and legal files, nothing of the
// sources, tests or tooling, no source map pointing at files that are not shipped, and docs
// whose relative links resolve inside the package. Scripts are skipped (--ignore-scripts) so
// the test reads the dist/ that `npm test` just built instead of rebuilding it under the
// other tests' feet.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { ROOT } from '../helpers/child';

interface PackResult {
  files: Array<{ path: string }>;
}

const packed = (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as PackResult[])[0]!;
const files = packed.files.map((f) => f.path).sort();
const shipped = new Set(files);

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
    .map((e) => relative(join(ROOT, 'src'), join(e.parentPath, e.name)).split('\\').join('/'));
}

t.test('every file belongs to one of the shipped kinds', async (t) => {
  const allowed = [
    /^package\.json$/,
    /^README\.md$/,
    /^LICENSE$/,
    /^CHANGELOG\.md$/,
    /^docs\/[a-z0-9-]+\.md$/,
    /^dist\/.+\.(js|d\.ts)$/,
    /^dist\/register\.mjs$/,
    /^dist\/bundlers\/hooked-packages\.json$/, // written by the build from the hook declarations
    /^dist\/start-pack\.txt$/, // written by the build: the start files in one (src/start-pack.ts)
  ];
  t.same(files.filter((f) => !allowed.some((re) => re.test(f))), [], 'nothing else is packed');
  t.same(files.filter((f) => /^(src|test|benchmarks|eval|examples|scripts)\//.test(f) || f.endsWith('.map')), [], 'no sources, tests, tooling or maps');
});

t.test('every source module ships as JavaScript with its type declarations', async (t) => {
  const missing: string[] = [];
  for (const src of sourcesUnder(join(ROOT, 'src'))) {
    const base = src.replace(/\.(ts|mjs)$/, '');
    const wanted = src.endsWith('.mjs') ? [`dist/${src}`] : [`dist/${base}.js`, `dist/${base}.d.ts`];
    for (const w of wanted) if (!shipped.has(w)) missing.push(w);
  }
  t.same(missing, []);
  for (const entry of ['dist/index.js', 'dist/index.d.ts', 'dist/register.js', 'dist/register.mjs', 'dist/bundlers/hooked-packages.json', 'dist/start-pack.txt', 'LICENSE', 'CHANGELOG.md', 'README.md', 'docs/configuration.md']) {
    t.ok(shipped.has(entry), entry);
  }
});

t.test('package.json entry points resolve to packed files', async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; types: string; exports: Record<string, Record<string, string> | string>; bin?: Record<string, string> };
  const targets = [pkg.main, pkg.types, ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e))), ...Object.values(pkg.bin ?? {})];
  for (const target of targets) t.ok(shipped.has(posix.normalize(target)), target);
});

t.test('relative links in the shipped markdown point at shipped files', async (t) => {
  const broken: string[] = [];
  for (const doc of files.filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue;
      const path = posix.normalize(posix.join(dirname(doc), target!.split('#')[0]!));
      if (!shipped.has(path)) broken.push(`${doc}: ${target}`);
    }
  }
  t.same(broken, []);
});

t.test('the license is MIT with the project copyright line', async (t) => {
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  t.match(license, /^MIT License\n\nCopyright \(c\) 2026 the rampart authors\n/);
  t.equal((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string }).license, 'MIT');
});
