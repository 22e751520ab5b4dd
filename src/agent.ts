// Wires configuration -> hooks -> guard -> reporters. start() and stop() are idempotent.
import { Allowlist } from './allowlist';
import { hookedPackageNames } from './bundlers/hooked-packages';
import { scheduleInlinedCheck } from './bundlers/inlined-check';
import { configDifferences } from './config/differences';
import { loadConfig } from './config/load';
import type { Config } from './config/types';
import { BUILTIN_HOOKS, MODULE_HOOKS } from './hooks';
import { Instrumentation } from './hooks/instrument';
import { announce, createLogger } from './report/logger';
import { onApiMismatch } from './report/otel-api';
import { Reporter } from './report/reporter';
import { claimProcess, releaseProcess, someCopyRuns } from './running-copy';
import { agentState, setAgentState } from './state';
import { OWN_API } from './untrusted';

export interface StartFlags {
  /** Set by the ESM preload once import-in-the-middle's loader is registered. */
  readonly esm?: boolean;
  /** Set where module.registerHooks runs import-in-the-middle's loader in the app's thread (src/esm-loader.ts). */
  readonly inThreadLoader?: boolean;
}

interface Running {
  readonly instrumentation: Instrumentation | undefined;
  readonly reporter: Reporter;
  readonly cancelInlinedCheck: () => void;
}

let running: Running | undefined;

/** Starts protection. Throws RampartConfigError on invalid configuration. */
export function startAgent(options?: unknown, flags: StartFlags = {}): Config {
  if (running !== undefined) return startAgain(options);
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
  let cancelInlinedCheck = (): void => {};
  if (config.mode !== 'off') {
    const started = new Instrumentation({ builtins: BUILTIN_HOOKS, modules: MODULE_HOOKS, logger, esm: flags.esm === true, inThreadLoader: flags.inThreadLoader === true });
    started.start();
    instrumentation = started;
    // A bundled server may carry a hooked package inside the bundle, out of the hooks' reach.
    cancelInlinedCheck = scheduleInlinedCheck({ packages: () => hookedPackageNames(MODULE_HOOKS), patched: () => started.patchedPackages(), logger });
  }
  running = { instrumentation, reporter, cancelInlinedCheck };
  claimProcess(OWN_API);
  announce(logger, { event: 'rampart.started', mode: config.mode, modes: config.modes, esm: flags.esm === true }, `rampart started in ${config.mode} mode`);
  return config;
}

/**
 * A second start() keeps the running configuration: hooks are installed once. Its options
 * are still validated, and any key they would have changed is named in a warning rather
 * than silently ignored (a preload plus a start() call in the app is a common mix).
 */
function startAgain(options: unknown): Config {
  const state = agentState()!;
  const wanted = loadConfig({ cwd: process.cwd(), env: process.env, options });
  const differing = configDifferences(state.config, wanted);
  if (differing.length === 0) {
    state.reporter.logger.debug({ event: 'rampart.start_again' }, 'rampart.start() called again with the same configuration; already running');
  } else {
    state.reporter.logger.warn(
      { event: 'rampart.start_ignored', differing },
      `rampart: start() called again while running; the first configuration stays in force and these keys are NOT changed: ${differing.join(', ')}. Call stop() before start() to change them`,
    );
  }
  return state.config;
}

/** Removes every hook and restores the original functions. */
export function stopAgent(): void {
  if (running === undefined) return;
  running.cancelInlinedCheck();
  running.instrumentation?.stop();
  running.reporter.close();
  running = undefined;
  setAgentState(undefined);
  releaseProcess();
}
