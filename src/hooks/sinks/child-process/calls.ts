// Reading each child_process function's arguments the way Node does, and asking the
// guard about the command before the original runs. A check returns the guard's verdict;
// the hook delivers a refusal through refuse/.
import { fileURLToPath } from 'node:url';
import { ALLOW, guardSink, type Verdict } from '../../../guard';
import { argvDetector, forkDetector, shellDetector } from '../../../checks/shell';

export type Check = (sink: string, args: ArrayLike<unknown>) => Verdict;

const NO_ARGS: readonly unknown[] = Object.freeze([]);

/** exec(command, options?, callback?) and execSync(command, options?): always a shell. */
export const checkExec: Check = (sink, a) => {
  const command = a[0];
  if (typeof command !== 'string') return ALLOW; // Node throws its own TypeError
  const options = a[1];
  const shell = options !== null && typeof options === 'object' ? (options as { shell?: unknown }).shell : undefined;
  return guardSink(shellDetector, sink, { command, args: undefined, shell: typeof shell === 'string' && shell !== '' ? shell : undefined });
};

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
    return guardSink(shellDetector, sink, { command: file, args: args as readonly unknown[], shell: shell === true ? undefined : shell });
  }
  return guardSink(argvDetector, sink, { file, args: args as readonly unknown[] });
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
