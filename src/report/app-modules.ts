// Loads a package the way the app sees it. rampart's OpenTelemetry packages are peer
// dependencies: npm normally gives rampart the app's copy, but a nested or bundled rampart
// can resolve another one. Each candidate is resolved from the app's entry point and working
// directory first, then from rampart itself; a package found nowhere is simply absent.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface LoadedModule<T> {
  readonly exports: T;
  /** `version` of the package.json that owns the module, when readable. */
  readonly version: string | undefined;
  /** Resolved file, for messages. */
  readonly path: string;
}

/** Places the app resolves packages from, most specific first. */
function appBases(): string[] {
  const bases: string[] = [];
  const main = require.main?.filename;
  if (typeof main === 'string') bases.push(main);
  // ESM entry points (`node --import rampart/register app.mjs`) have no require.main.
  const script = process.argv[1];
  if (typeof script === 'string' && script.length > 0) bases.push(script);
  bases.push(join(process.cwd(), 'index.js'));
  return bases;
}

/** Every distinct copy of `id` the app or rampart can load, the app's first. */
export function candidateModules<T>(id: string): Array<LoadedModule<T>> {
  const out: Array<LoadedModule<T>> = [];
  const seen = new Set<string>();
  const tryResolve = (resolve: (id: string) => string, load: (path: string) => unknown): void => {
    let path: string;
    try {
      path = resolve(id);
    } catch {
      return; // not installed there
    }
    if (seen.has(path)) return;
    seen.add(path);
    try {
      out.push({ exports: load(path) as T, version: packageVersion(path, id), path });
    } catch {
      // A copy that fails to load is no candidate.
    }
  };
  for (const base of appBases()) {
    let req: NodeJS.Require;
    try {
      req = createRequire(base);
    } catch {
      continue;
    }
    tryResolve((x) => req.resolve(x), (p) => req(p));
  }
  tryResolve((x) => require.resolve(x), (p) => require(p));
  return out;
}

/** Walks up from a module file to the package.json named `id`. */
function packageVersion(file: string, id: string): string | undefined {
  let dir = dirname(file);
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === id) return typeof pkg.version === 'string' ? pkg.version : undefined;
    } catch {
      // no package.json at this level
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}
