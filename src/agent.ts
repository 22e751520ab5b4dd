// Wires configuration -> hooks -> guard -> reporters. start() and stop() are idempotent.
import { Allowlist } from './allowlist';
import { loadConfig } from './config/load';
import type { Config } from './config/types';
import { BUILTIN_HOOKS, MODULE_HOOKS } from './hooks';
import { Instrumentation } from './hooks/instrument';
import { createLogger } from './report/logger';
import { onApiMismatch } from './report/otel-api';
import { Reporter } from './report/reporter';
import { claimProcess, releaseProcess, someCopyRuns } from './running-copy';
import { agentState, setAgentState } from './state';
import { OWN_API } from './untrusted';

export interface StartFlags {
  /** Set by the ESM preload once import-in-the-middle's loader is registered. */
  readonly esm?: boolean;
}

interface Running {
  readonly instrumentation: Instrumentation | undefined;
  readonly reporter: Reporter;
}

let running: Running | undefined;

/** Starts protection. Throws RampartConfigError on invalid configuration. */
export function startAgent(options?: unknown, flags: StartFlags = {}): Config {
  if (running !== undefined) {
    const state = agentState()!;
    state.reporter.logger.debug({ event: 'rampart.start_again' }, 'rampart.start() called again; already running');
    return state.config;
  }
  const config = loadConfig({ cwd: process.cwd(), env: process.env, options });
  const logger = createLogger(config);
  if (someCopyRuns()) {
    logger.warn({ event: 'rampart.inactive_copy' }, 'rampart: another copy of rampart is already running in this process; this copy stays inactive');
    return config;
  }
  const reporter = new Reporter(config, logger);
  onApiMismatch((message, fields) => logger.warn(fields, message));
  setAgentState({ config, reporter, allowlist: new Allowlist(config.allow) });
  let instrumentation: Instrumentation | undefined;
  if (config.mode !== 'off') {
    instrumentation = new Instrumentation({ builtins: BUILTIN_HOOKS, modules: MODULE_HOOKS, logger, esm: flags.esm === true });
    instrumentation.start();
  }
  running = { instrumentation, reporter };
  claimProcess(OWN_API);
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
  releaseProcess();
}
