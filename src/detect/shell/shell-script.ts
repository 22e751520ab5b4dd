// Recognise `execFile('/bin/sh', ['-c', script])` and its many spellings, so that a
// no-shell call that in fact starts a shell gets the shell detector.

import { resolveCommand } from './program';

/** Shells whose `-c` operand is a script in (close enough to) POSIX shell syntax. */
const SHELLS: ReadonlySet<string> = new Set([
  'sh', 'bash', 'rbash', 'dash', 'ash', 'zsh', 'ksh', 'ksh93', 'mksh', 'pdksh', 'oksh', 'yash', 'posh', 'fish',
]);

/** Is `program` (a normalised basename) a shell? */
export function isShell(program: string): boolean {
  return SHELLS.has(program);
}

/**
 * If `file args` runs a shell with `-c` (also `-lc`, `-ec`, `-c` after other flags,
 * through `env`/`sudo`/... and `busybox sh`), the script it runs; otherwise undefined.
 */
export function shellScriptOf(file: string, args: readonly string[]): string | undefined {
  if (typeof file !== 'string' || !Array.isArray(args)) return undefined;
  const { program, from } = resolveCommand(file, args);
  if (!SHELLS.has(program)) return undefined;
  let command = false;
  let i = from;
  while (i < args.length) {
    const a = args[i];
    if (typeof a !== 'string') return undefined;
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    const c0 = a.charCodeAt(0);
    if (a.length < 2 || (c0 !== 45 /* - */ && c0 !== 43 /* + */)) break; // first operand
    if (c0 === 45 && a.charCodeAt(1) === 45) {
      // Long options: bash's two that take a value, fish's --command.
      if (a.startsWith('--command=')) return a.slice(10);
      if (a === '--command') return typeof args[i + 1] === 'string' ? args[i + 1] : undefined;
      i += a === '--rcfile' || a === '--init-file' ? 2 : 1;
      continue;
    }
    // A cluster such as `-lc`, `-ec`, `-xo pipefail`: `o`/`O` take the next argument each.
    let values = 0;
    for (let k = 1; k < a.length; k++) {
      const ch = a.charCodeAt(k);
      if (ch === 99 /* c */ && c0 === 45) command = true;
      else if (ch === 111 /* o */ || ch === 79 /* O */) values++;
    }
    i += 1 + values;
  }
  if (!command || i >= args.length) return undefined;
  const script = args[i];
  return typeof script === 'string' ? script : undefined;
}
