import { startAgent, type StartFlags } from './agent';
import { RampartConfigError } from './config/errors';

/** Starts from a preload; a bad configuration stops the process with a clear message. */
export function startFromPreload(flags: StartFlags): void {
  // Preloads also run in worker threads, including Node's own module-loader thread when an
  // --import loader is present; the agent protects the main thread. A worker that wants
  // protection calls require('rampart').start() itself (docs/hardening.md).
  if (inWorkerThread()) return;
  try {
    startAgent(undefined, flags);
  } catch (error) {
    if (error instanceof RampartConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

type MaybeDisabled = { disabled?: unknown } | undefined;

/**
 * Node replaces process.chdir and process.abort in every worker thread (its module-loader
 * thread included) with stand-ins it marks `disabled`. Reading the mark spares loading
 * worker_threads, about 1.5 MiB and a few ms, in every process (docs/performance.md,
 * "Start-up"); both are read, so one stand-in wrapped by another tool is not enough to
 * mistake a worker for the main thread.
 */
function inWorkerThread(): boolean {
  return (process.chdir as MaybeDisabled)?.disabled === true || (process.abort as MaybeDisabled)?.disabled === true;
}
