import { startAgent, type StartFlags } from './agent';
import { RampartConfigError } from './config/errors';

/** Starts from a preload; a bad configuration stops the process with a clear message. */
export function startFromPreload(flags: StartFlags): void {
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
