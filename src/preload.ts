import { isMainThread } from 'node:worker_threads';
import { startAgent, type StartFlags } from './agent';
import { RampartConfigError } from './config/errors';

/** Starts from a preload; a bad configuration stops the process with a clear message. */
export function startFromPreload(flags: StartFlags): void {
  // Preloads also run in worker threads, including Node's own module-loader thread when an
  // --import loader is present; the agent protects the main thread. A worker that wants
  // protection calls require('rampart').start() itself (docs/hardening.md).
  if (!isMainThread) return;
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
