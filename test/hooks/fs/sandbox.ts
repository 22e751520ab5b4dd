// Real files for the fs hook tests: a base directory the app serves from, and a canary
// two levels above it that only a traversal can reach.
//   root/canary.txt            the secret an attack wants
//   root/app/files/            BASE, where the app joins user-chosen names
//   root/app/files/report.txt  a file users may read
// Made outside any request context, so the hooks let every call through.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CANARY_TEXT = 'CANARY-7f3a-do-not-leak';
export const REPORT_TEXT = 'quarterly report: all good';

export interface Sandbox {
  readonly root: string;
  readonly base: string;
  readonly canary: string;
  readonly report: string;
}

export function makeSandbox(prefix: string): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `rampart-fs-${prefix}-`));
  const base = join(root, 'app', 'files');
  mkdirSync(base, { recursive: true });
  const canary = join(root, 'canary.txt');
  const report = join(base, 'report.txt');
  writeFileSync(canary, CANARY_TEXT);
  writeFileSync(report, REPORT_TEXT);
  return { root, base, canary, report };
}

/** Runs a callback-style fs call and resolves with what its callback received. */
export function viaCallback<T>(call: (done: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<{ err: NodeJS.ErrnoException | null; value: T | undefined }> {
  return new Promise((resolve) => call((err, value) => resolve({ err, value })));
}

/** The fields of an fs error the app can observe. */
export function errorShape(error: unknown): Record<string, unknown> {
  const e = error as NodeJS.ErrnoException;
  return { name: e?.name, code: e?.code, message: e?.message, path: e?.path, dest: (e as { dest?: unknown })?.dest, errno: e?.errno, syscall: e?.syscall };
}
