// The non-SQL sinks the framework tests drive through real routes: a shell command
// (`echo` with input), a file read under a temp base directory, and an outbound fetch.
// Each attack leaves a proof behind when it works (a canary file, a leaked secret, a hit
// on the internal server), so the tests can show nothing happened.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SinkSandbox {
  /** Where the app reads user-named files from. */
  readonly base: string;
  /** A file the shell attack would create. */
  readonly canary: string;
  readonly canaryExists: () => boolean;
  /** Text only a traversal out of `base` can read. */
  readonly secret: string;
}

export const REPORT = 'quarterly report: all good';

export function sinkSandbox(prefix: string): SinkSandbox {
  const root = mkdtempSync(join(tmpdir(), `rampart-fw-${prefix}-`));
  const base = join(root, 'app', 'files');
  mkdirSync(base, { recursive: true });
  writeFileSync(join(base, 'report.txt'), REPORT);
  const secret = `SECRET-${prefix}-5c1e`;
  writeFileSync(join(root, 'secret.txt'), secret);
  const canary = join(root, 'canary');
  return { base, canary, canaryExists: () => existsSync(canary), secret };
}

/**
 * What the sink routes of a test app run with the user's value, whatever the framework:
 * `echo <msg>` through a shell, a read of `<base>/<name>`, a fetch of `<url>`. Node's
 * modules are looked up at each call, after the test file started rampart.
 */
export interface SinkActions {
  echo(msg: string): Promise<string>;
  readFile(name: string): Promise<string>;
  preview(url: string): Promise<string>;
}

export function sinkActions(box: SinkSandbox): SinkActions {
  return {
    echo: (msg) =>
      new Promise((resolve, reject) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { exec } = require('node:child_process') as typeof import('node:child_process');
        exec(`echo ${msg}`, (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
      }),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    readFile: (name) => (require('node:fs/promises') as typeof import('node:fs/promises')).readFile(join(box.base, name), 'utf8'),
    preview: async (url) => (await fetch(url)).text(),
  };
}
