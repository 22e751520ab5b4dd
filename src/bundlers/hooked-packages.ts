// The packages a bundler must leave outside the bundle for rampart to protect them: every
// package a module hook patches (read from the hook declarations, never copied by hand),
// plus rampart itself. A bundler inlines a package's code into the bundle, where
// rampart's load hook never sees it load, so its hook never runs.
//
// The build writes the list next to this file (scripts/write-hooked-packages.js), so a
// bundler config (next.config.js is also read by `next start`) gets it without loading
// every hook; from sources (tests, ts loaders) it is derived from the hooks directly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageName } from '../hooks/package-name';
import type { ModuleHook } from '../hooks/types';

export const HOOKED_PACKAGES_FILE = 'hooked-packages.json';

/** rampart itself: bundled, its loader hooks and lazily required files would be lost. */
const RAMPART = 'rampart';

/**
 * Distinct package names the hooks patch (`mysql2/lib/base/connection` counts as `mysql2`),
 * sorted. Builtins hooked by their `node:` name (node:sqlite) are no package: a bundler
 * never inlines them.
 */
export function hookedPackageNames(hooks: readonly Pick<ModuleHook, 'module'>[]): string[] {
  return [...new Set(hooks.filter((hook) => !hook.module.startsWith('node:')).map((hook) => packageName(hook.module)))].sort();
}

let cached: readonly string[] | undefined;

/** The packages to keep external: every hooked package and rampart, sorted. */
export function externalPackages(): readonly string[] {
  if (cached !== undefined) return cached;
  let hooked: string[];
  try {
    hooked = JSON.parse(readFileSync(join(__dirname, HOOKED_PACKAGES_FILE), 'utf8')) as string[];
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    hooked = hookedPackageNames((require('../hooks') as typeof import('../hooks')).MODULE_HOOKS);
  }
  cached = Object.freeze([...new Set([...hooked, RAMPART])].sort());
  return cached;
}

/** Whether a module request names one of `packages` or a file inside one (`pg`, `pg/lib/client`). */
export function isExternalRequest(request: string, packages: readonly string[]): boolean {
  for (const name of packages) {
    if (request === name || (request.startsWith(name) && request.charCodeAt(name.length) === 0x2f /* / */)) return true;
  }
  return false;
}
