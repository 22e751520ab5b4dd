// Wires configuration -> hooks -> guard -> reporters. start() and stop() are idempotent.
import { Allowlist } from './allowlist';
import { loadConfig } from './config/load';
import type { Config } from './config/types';
import { BUILTIN_HOOKS, MODULE_HOOKS } from './hooks';
import { Instrumentation } from './hooks/instrument';
import { createLogger } from './report/logger';
import { Reporter } from './report/reporter';
import { agentState, setAgentState } from './state';

export interface StartFlags {
  /** Set by the ESM preload once import-in-the-middle's loader is registered. */
  readonly esm?: boolean;
}

interface Running {
  readonly instrumentation: Instrumentation | undefined;
  readonly reporter: Reporter;
}

// Shared across copies of rampart in one process, so a second copy stands down.
const GLOBAL_KEY = Symbol.for('rampart.agent.running');
let running: Running | undefined;

/** Starts protection. Throws RampartConfigError on invalid configuration. */
export function startAgent(options?: unknown, flags: StartFlags = {}): Config {
  if (running !== undefined) {
    const state = agentState()!;
    state.reporter.logger.debug('rampart.start() called again; already running');
    return state.config;
  }
  const config = loadConfig({ cwd: process.cwd(), env: process.env, options });
  const logger = createLogger(config);
  const global = globalThis as Record<symbol, unknown>;
  if (global[GLOBAL_KEY] !== undefined) {
    logger.warn('rampart: another copy of rampart is already running in this process; this copy stays inactive');
    return config;
  }
  const reporter = new Reporter(config, logger);
  setAgentState({ config, reporter, allowlist: new Allowlist(config.allow) });
  let instrumentation: Instrumentation | undefined;
  if (config.mode !== 'off') {
    instrumentation = new Instrumentation({ builtins: BUILTIN_HOOKS, modules: MODULE_HOOKS, logger, esm: flags.esm === true });
    instrumentation.start();
  }
  running = { instrumentation, reporter };
  global[GLOBAL_KEY] = true;
  logger.info({ event: 'rampart.started', mode: config.mode, modes: config.modes, esm: flags.esm === true }, `rampart started in ${config.mode} mode`);
  return config;
}

/** Removes every hook and restores the original functions. */
export function stopAgent(): void {
  if (running === undefined) return;
  running.instrumentation?.stop();
  running.reporter.close();
  running = undefined;
  setAgentState(undefined);
  delete (globalThis as Record<symbol, unknown>)[GLOBAL_KEY];
}
