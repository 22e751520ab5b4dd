// A temporary directory per test file: files to list, a secret to steal, a canary an
// injected command would create, and a git repository with a local "origin".
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Sandbox {
  readonly root: string;
  /** Holds a.txt and b.txt. */
  readonly listing: string;
  readonly secret: string;
  readonly secretText: string;
  readonly canary: string;
  canaryExists(): boolean;
  removeCanary(): void;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'rampart-cp-'));
  const listing = join(root, 'listing');
  mkdirSync(listing);
  writeFileSync(join(listing, 'a.txt'), 'alpha\n');
  writeFileSync(join(listing, 'b.txt'), 'beta\n');
  const secret = join(root, 'secret.txt');
  const secretText = 'TOP-SECRET-7f3a';
  writeFileSync(secret, `${secretText}\n`);
  const canary = join(root, 'canary');
  return {
    root,
    listing,
    secret,
    secretText,
    canary,
    canaryExists: () => existsSync(canary),
    removeCanary: () => rmSync(canary, { force: true }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

const processHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap').length;

export interface Attempt {
  readonly error: unknown;
  readonly result: unknown;
  /** Whether the call started a child process. */
  readonly started: boolean;
}

/**
 * Runs a (synchronous) call and tells whether it started a child process: a spawn adds a
 * ProcessWrap handle at once, so a blocked async call is proven inert without waiting.
 */
export function attempt(fn: () => unknown): Attempt {
  const before = processHandles();
  let error: unknown;
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    error = e;
  }
  return { error, result, started: processHandles() > before };
}

export interface GitRepo {
  /** A clone whose `origin` is a local bare repository: `git ls-remote` needs no network. */
  readonly work: string;
  /** What `git ls-remote origin` prints. */
  readonly refs: string;
}

/** Built outside any request context, so rampart does not check these calls. */
export function gitRepo(root: string): GitRepo {
  const bare = join(root, 'remote.git');
  const work = join(root, 'work');
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '--bare', bare);
  git('init', '-q', work);
  git('-C', work, 'remote', 'add', 'origin', bare);
  git('-C', work, 'commit', '-q', '--allow-empty', '-m', 'init');
  git('-C', work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
  const sha = git('-C', work, 'rev-parse', 'HEAD').trim();
  return { work, refs: `${sha}\trefs/heads/main\n` };
}

/**
 * Like attempt(), for a call refused in its API's style (docs/refusals.md): a synchronous
 * throw, spawnSync's `{ error }`, or the 'error' event of the ChildProcess handed back
 * (which never started: no `pid`). Waits for that event, then also for 'close'.
 */
export async function refusedCall(fn: () => unknown): Promise<Attempt & { thrown: boolean }> {
  const call = attempt(fn);
  if (call.error !== undefined) return { ...call, thrown: true };
  const result = call.result as { error?: unknown; pid?: unknown; once?: (event: string, listener: (...args: unknown[]) => void) => void } | undefined;
  if (typeof result?.once !== 'function') return { ...call, error: result?.error, thrown: false };
  const closed = new Promise((resolve) => result.once!('close', resolve));
  const error = await new Promise<unknown>((resolve) => {
    result.once!('error', resolve);
    result.once!('spawn', () => resolve(undefined));
  });
  if (error !== undefined && result.pid === undefined) await closed;
  return { ...call, error, thrown: false };
}
