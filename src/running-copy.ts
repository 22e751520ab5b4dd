// Which copy of rampart runs this process. An app and one of its dependencies can each
// bring a copy; only the first to start installs hooks, and the others stay idle. The
// running copy publishes its input API under a process-wide symbol, so that withInput and
// markUntrusted called on an idle copy reach the context the running copy's hooks read.

const GLOBAL_KEY = Symbol.for('rampart.agent.running');

/** What a running copy publishes: its own withInput and markUntrusted. */
export interface CopyApi {
  readonly withInput: (inputs: never, fn: () => unknown) => unknown;
  readonly markUntrusted: (value: unknown, name?: string, source?: never) => unknown;
}

const global = globalThis as Record<symbol, unknown>;

/** Whether some copy (this one or another) has started in this process. */
export function someCopyRuns(): boolean {
  return global[GLOBAL_KEY] !== undefined;
}

export function claimProcess(api: CopyApi): void {
  global[GLOBAL_KEY] = api;
}

export function releaseProcess(): void {
  delete global[GLOBAL_KEY];
}

/** The running copy's API when it is not `own` (older copies publish `true`: none then). */
export function otherRunningCopy(own: CopyApi): CopyApi | undefined {
  const api = global[GLOBAL_KEY];
  return api !== own && typeof api === 'object' && api !== null ? (api as CopyApi) : undefined;
}
