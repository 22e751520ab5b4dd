// Runs a fixture app in a child process and collects its JSON stdout lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import readline from 'node:readline';

export const ROOT = join(__dirname, '..', '..');
const START_DEADLINE_MS = 40_000;

export interface ChildApp {
  readonly base: string;
  readonly child: ChildProcess;
  /** Parsed JSON lines the app (and rampart's pino log) printed. */
  readonly lines: Array<Record<string, unknown>>;
  readonly stderr: () => string;
  stop(): Promise<void>;
}

/**
 * The command and arguments that run node with `args`. The test runner puts its own `--import`
 * into every child's NODE_OPTIONS, re-adding it to any env a test gives (tap's processinfo);
 * `withoutRunnerPreloads` runs node through env(1) with NODE_OPTIONS removed, for a child
 * that must start as a user's app does, with no import before its own.
 */
function nodeCommand(args: string[], withoutRunnerPreloads: boolean): [string, string[]] {
  return withoutRunnerPreloads ? ['/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, ...args]] : [process.execPath, args];
}

export async function startChildApp(args: string[], env: Record<string, string> = {}, { withoutRunnerPreloads = false } = {}): Promise<ChildApp> {
  const [command, argv] = nodeCommand(args, withoutRunnerPreloads);
  const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const rl = readline.createInterface({ input: child.stdout! });
  let deadline: NodeJS.Timeout | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    rl.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Record<string, unknown>;
        lines.push(msg);
        if (typeof msg.listening === 'number') resolve(msg.listening);
      } catch {
        // not JSON: ignore
      }
    });
    child.once('exit', (code) => reject(new Error(`app exited with ${code}: ${stderr}`)));
    // An app that never prints its port fails here with what it said, not as a bare
    // file timeout: the deadline sits well inside tap's per-file limit.
    deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`app did not listen within ${START_DEADLINE_MS} ms: ${stderr}`));
    }, START_DEADLINE_MS);
  }).finally(() => clearTimeout(deadline));
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    lines,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        child.kill();
        await once(child, 'exit');
      }
    },
  };
}

/**
 * Waits (bounded, 30 s) for a line the app or rampart printed. A line can arrive after the
 * HTTP answer that caused it: the two travel on different pipes.
 */
export async function waitForLine(app: ChildApp, match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | undefined> {
  for (let i = 0; i < 600; i++) {
    const line = app.lines.find(match);
    if (line !== undefined || app.child.exitCode !== null) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

/** Runs a command to completion. */
export async function runChild(
  args: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
  { withoutRunnerPreloads = false } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, argv] = nodeCommand(args, withoutRunnerPreloads);
  const child = spawn(command, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
