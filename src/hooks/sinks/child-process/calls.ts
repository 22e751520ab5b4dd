// Reading each child_process function's arguments the way Node does, and asking the
// guard about the command before the original runs. A check returns the guard's verdict;
// the hook delivers a refusal through refuse/.
import { fileURLToPath } from 'node:url';
import { ALLOW, guardSink, type SinkDetector, type Verdict } from '../../../guard';
import { argumentPathDetector, argvDetector, forkDetector, shellDetector, type ArgvCommand, type ShellCommand } from '../../../checks/shell';

export type Check = (sink: string, args: ArrayLike<unknown>) => Verdict;

const NO_ARGS: readonly unknown[] = Object.freeze([]);

/** exec(command, options?, callback?) and execSync(command, options?): always a shell. */
export const checkExec: Check = (sink, a) => {
  const command = a[0];
  if (typeof command !== 'string') return ALLOW; // Node throws its own TypeError
  const options = a[1];
  const shell = options !== null && typeof options === 'object' ? (options as { shell?: unknown }).shell : undefined;
  return checkCommand(shellDetector, sink, { command, args: undefined, shell: typeof shell === 'string' && shell !== '' ? shell : undefined });
};

/** The command first; when it is clean, its whole arguments as paths (a separate attack kind and mode). */
function checkCommand<P extends ShellCommand | ArgvCommand>(detector: SinkDetector<P>, sink: string, payload: P): Verdict {
  return guardSink(detector, sink, payload) ?? guardSink(argumentPathDetector, sink, payload);
}

/**
 * execFile/execFileSync/spawn/spawnSync(file, args?, options?, ...): args may be left
 * out (options then come second). With a truthy `shell` option Node joins file and args
 * with spaces and runs that through the shell; otherwise the program gets the array.
 */
export const checkFile: Check = (sink, a) => {
  const file = a[0];
  if (typeof file !== 'string') return ALLOW;
  let args = a[1];
  let options = a[2];
  if (!Array.isArray(args)) {
    if (args !== null && typeof args === 'object') options = args;
    else if (typeof args === 'function') options = undefined; // execFile(file, callback)
    args = NO_ARGS;
  }
  const shell = options !== null && typeof options === 'object' ? (options as { shell?: unknown }).shell : undefined;
  if (shell === true || (typeof shell === 'string' && shell !== '')) {
    return checkCommand(shellDetector, sink, { command: file, args: args as readonly unknown[], shell: shell === true ? undefined : shell });
  }
  return checkCommand(argvDetector, sink, { file, args: args as readonly unknown[] });
};

/** fork(modulePath, args?, options?): the module path is checked like a file path. */
export const checkFork: Check = (sink, a) => {
  const modulePath = pathOf(a[0]);
  if (modulePath === undefined) return ALLOW;
  const options = Array.isArray(a[1]) ? a[2] : a[1];
  const execPath = options !== null && typeof options === 'object' ? (options as { execPath?: unknown }).execPath : undefined;
  return guardSink(forkDetector, sink, { modulePath, execPath: typeof execPath === 'string' && execPath !== '' ? execPath : undefined });
};

function pathOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof URL && value.protocol === 'file:') {
    try {
      return fileURLToPath(value);
    } catch {
      return undefined; // Node rejects it too
    }
  }
  return undefined;
}
