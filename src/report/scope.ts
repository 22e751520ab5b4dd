// The instrumentation scope every rampart signal is emitted under.
export const SCOPE_NAME = 'rampart';

/** rampart's package version; the same from src/report and dist/report (both two levels deep). */
export const SCOPE_VERSION: string = readVersion();

function readVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../../package.json') as { name?: string; version?: string };
    return pkg.name === 'rampart' && typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
