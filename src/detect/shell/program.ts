// Which program an execFile/spawn call really runs: basename normalisation and the
// unwrapping of launchers (`env`, `sudo`, `nice`, ...) that run their remaining args.

/** `/usr/bin/git` -> `git`, `C:\Git\bin\git.EXE` -> `git`. */
export function programName(file: string): string {
  let from = 0;
  for (let i = file.length - 1; i >= 0; i--) {
    const c = file.charCodeAt(i);
    if (c === 47 /* / */ || c === 92 /* \ */) {
      from = i + 1;
      break;
    }
  }
  let to = file.length;
  if (to - from > 4 && file.charCodeAt(to - 4) === 46 /* . */ && isExe(file, to - 3)) to -= 4;
  const name = from === 0 && to === file.length ? file : file.slice(from, to);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) return name.toLowerCase(); // only allocate when needed
  }
  return name;
}

function isExe(file: string, at: number): boolean {
  return (file.charCodeAt(at) | 32) === 101 && (file.charCodeAt(at + 1) | 32) === 120 && (file.charCodeAt(at + 2) | 32) === 101;
}

interface Launcher {
  /** Options whose value is the next argument. */
  readonly valueOptions: readonly string[];
  /** Positional arguments before the command (timeout's DURATION). */
  readonly operands: number;
  /** `NAME=value` arguments before the command (env, sudo). */
  readonly assignments: boolean;
}

// Launchers that run the rest of their arguments as a command. `env -S` (split a string
// into a command line) is not followed: the result is reported as running `env`.
const LAUNCHERS: Readonly<Record<string, Launcher>> = {
  env: { valueOptions: ['-u', '--unset', '-C', '--chdir', '-P'], operands: 0, assignments: true },
  sudo: {
    valueOptions: ['-u', '--user', '-g', '--group', '-h', '--host', '-C', '--close-from', '-D', '--chdir',
      '-p', '--prompt', '-r', '--role', '-t', '--type', '-T', '--command-timeout', '-U', '--other-user', '-R', '--chroot'],
    operands: 0,
    assignments: true,
  },
  doas: { valueOptions: ['-u', '-C'], operands: 0, assignments: false },
  nohup: { valueOptions: [], operands: 0, assignments: false },
  nice: { valueOptions: ['-n', '--adjustment'], operands: 0, assignments: false },
  timeout: { valueOptions: ['-s', '--signal', '-k', '--kill-after'], operands: 1, assignments: false },
  stdbuf: { valueOptions: ['-i', '-o', '-e', '--input', '--output', '--error'], operands: 0, assignments: false },
  busybox: { valueOptions: [], operands: 0, assignments: false },
  setsid: { valueOptions: [], operands: 0, assignments: false },
  ionice: { valueOptions: ['-c', '--class', '-n', '--classdata', '-p', '--pid', '-P', '--pgid', '-u', '--uid'], operands: 0, assignments: false },
  chrt: { valueOptions: ['-T', '--sched-runtime', '-P', '--sched-period', '-D', '--sched-deadline'], operands: 1, assignments: false },
  taskset: { valueOptions: [], operands: 1, assignments: false },
  flock: { valueOptions: ['-w', '--timeout', '--wait', '-E', '--conflict-exit-code'], operands: 1, assignments: false },
  xargs: {
    valueOptions: ['-a', '--arg-file', '-d', '--delimiter', '-E', '-e', '-I', '-i', '-L', '-l', '-n', '--max-args', '-P', '--max-procs', '-s', '--max-chars', '--process-slot-var'],
    operands: 0,
    assignments: false,
  },
};

const MAX_LAUNCHERS = 8;

export interface ResolvedCommand {
  /** Normalised basename of the program finally run. */
  readonly program: string;
  readonly args: readonly string[];
  /** Index in `args` of the program's first own argument. */
  readonly from: number;
}

/** The program behind any launchers, and where its own arguments start. */
export function resolveCommand(file: string, args: readonly string[]): ResolvedCommand {
  let program = programName(file);
  let from = 0;
  for (let hops = 0; hops < MAX_LAUNCHERS; hops++) {
    const launcher = Object.hasOwn(LAUNCHERS, program) ? LAUNCHERS[program] : undefined;
    if (launcher === undefined) break;
    let i = from;
    let split = false;
    while (i < args.length) {
      const a = args[i];
      if (typeof a !== 'string') return { program, args, from };
      if (a === '--') {
        i++;
        break;
      }
      if (a.length > 1 && a.charCodeAt(0) === 45 /* - */) {
        if (program === 'env' && (a.startsWith('--split-string') || (a.charCodeAt(1) !== 45 && a.indexOf('S') > 0))) split = true;
        i += launcher.valueOptions.includes(a) ? 2 : 1;
        continue;
      }
      if (launcher.assignments && a.indexOf('=') > 0) {
        i++;
        continue;
      }
      break;
    }
    i += launcher.operands;
    if (split || i >= args.length || typeof args[i] !== 'string') break;
    // `flock FILE -c SCRIPT`: an option where the command would be (shell-script.ts reads it).
    if (args[i]!.charCodeAt(0) === 45 /* - */) break;
    program = programName(args[i]);
    from = i + 1;
  }
  return { program, args, from };
}
