// Public API of rampart.
import type { Options } from './config/types';
import { requireStartFile, saveStartCache } from './start-pack';

// The agent and everything it starts come from the start pack when there is one
// (src/start-pack.ts); first, so the files the exports below need are mostly loaded by then.
const { startAgent, stopAgent } = (requireStartFile('agent.js', module) ?? require('./agent')) as typeof import('./agent');

/** Starts protection; call it before the app loads its database drivers and servers. */
export function start(options?: Options): void {
  try {
    startAgent(options);
  } finally {
    saveStartCache(); // also after a refused configuration: it closes the cache file
  }
}

/** Stops protection and restores every patched function. */
export function stop(): void {
  stopAgent();
}

export { withInput, markUntrusted, type UntrustedInput } from './untrusted';
export { allow } from './allow-value';
export { errorHandler, type ErrorMiddleware } from './block/error-handler';
export { RampartBlockedError, RampartConfigError } from './errors';
export { FINDING_CHANNEL, type FindingMessage } from './report/finding-channel';
export type { Config, Options, Mode, LogLevel } from './config/types';
export type { AttackKind, InputSource, UserInput } from './detect/types';
