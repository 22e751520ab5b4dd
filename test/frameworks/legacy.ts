// Previous framework majors (express 4, fastify 4, koa 2, NestJS 10...) come from the
// nested fixture package test/fixtures/legacy-frameworks, installed under their real
// names by scripts/install-test-fixtures.js (run by `npm test`), so rampart's hooks see
// exactly what a user of that major has. Required after the test file started rampart.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const LEGACY_DIR = join(__dirname, '..', 'fixtures', 'legacy-frameworks');
const fromLegacy = createRequire(join(LEGACY_DIR, 'package.json'));

/** A package of the legacy fixture; a clear message when the fixture was never installed. */
export function requireLegacy(name: string): any {
  if (!existsSync(join(LEGACY_DIR, 'node_modules', '.rampart-installed'))) {
    throw new Error(`${LEGACY_DIR} is not installed: run \`node scripts/install-test-fixtures.js\` (npm test does it)`);
  }
  return fromLegacy(name) as unknown;
}

/** Major version of a package installed in the legacy fixture, so a test proves which major it ran. */
export function legacyMajor(name: string): number {
  const pkg = JSON.parse(readFileSync(join(LEGACY_DIR, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return Number(pkg.version.split('.')[0]);
}
