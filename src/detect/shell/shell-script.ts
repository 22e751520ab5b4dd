// Recognise `execFile('/bin/sh', ['-c', script])` and its many spellings, so that a
// no-shell call that in fact starts a shell gets the shell detector.

import { resolveCommand } from './program';

/** Shells whose `-c` operand is a script in (close enough to) POSIX shell syntax. */
const SHELLS: ReadonlySet<string> = new Set([
  'sh', 'bash', 'rbash', 'dash', 'ash', 'zsh', 'ksh', 'ksh93', 'mksh', 'pdksh', 'oksh', 'yash', 'posh', 'fish',
]);

/**
 * Programs with an option whose value is a command line run by `sh -c` (`flock f -c`,
 * `script -c`, `su -c`, `runuser -c`) or split into one (`env -S`).
 */
const SCRIPT_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  flock: ['-c', '--command'],
  script: ['-c', '--command'],
  su: ['-c', '--command', '--session-command'],
  runuser: ['-c', '--command', '--session-command'],
  env: ['-S', '--split-string'],
};

/** `find ... -exec CMD ARGS ;` runs CMD with ARGS; these start it. */
const FIND_EXEC: ReadonlySet<string> = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** How many launchers deep a command line is followed (`find -exec sudo flock -c`). */
const MAX_DEPTH = 4;

/** The script a non-shell program hands to a shell, per SCRIPT_OPTIONS and FIND_EXEC. */
function launchedScript(program: string, args: readonly string[], from: number, depth: number): string | undefined {
  if (depth >= MAX_DEPTH) return undefined;
  const options = Object.hasOwn(SCRIPT_OPTIONS, program) ? SCRIPT_OPTIONS[program] : undefined;
  for (let i = from; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'string') return undefined;
    if (program === 'find' && FIND_EXEC.has(a) && typeof args[i + 1] === 'string') {
      const inner = shellScriptOf(args[i + 1]!, args.slice(i + 2), depth + 1);
      if (inner !== undefined) return inner;
      continue;
    }
    if (program === 'runuser' && a === '--' && typeof args[i + 1] === 'string') return shellScriptOf(args[i + 1]!, args.slice(i + 2), depth + 1);
    if (options === undefined) continue;
    let value: string | undefined;
    for (const option of options) {
      if (a === option) value = typeof args[i + 1] === 'string' ? args[i + 1] : undefined;
      else if (option.startsWith('--') && a.startsWith(`${option}=`)) value = a.slice(option.length + 1);
      else if (!option.startsWith('--') && a.length > 2 && a.startsWith(option)) value = a.slice(2); // -S'cmd'
      else continue;
      break;
    }
    if (value === undefined) continue;
    if (program !== 'env') return value;
    // env -S splits its string into a command line: follow it into the shell it may start.
    const split = splitLikeEnv(value);
    return split.length > 0 ? (shellScriptOf(split[0]!, split.slice(1), depth + 1) ?? value) : value;
  }
  return undefined;
}

/** env -S's splitting: blanks separate words; '...' literal, "..." with \\ escapes. */
function splitLikeEnv(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end === -1 ? text.length : end;
      word += text.slice(i + 1, stop);
      i = stop;
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) word += text[i] === '\\' && i + 1 < text.length ? text[++i] : text[i];
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
    } else {
      word += c;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Is `program` (a normalised basename) a shell? */
export function isShell(program: string): boolean {
  return SHELLS.has(program);
}

/**
 * If `file args` runs a shell with `-c` (also `-lc`, `-ec`, `-c` after other flags,
 * through `env`/`sudo`/... and `busybox sh`), the script it runs; otherwise undefined.
 */
export function shellScriptOf(file: string, args: readonly string[], depth = 0): string | undefined {
  if (typeof file !== 'string' || !Array.isArray(args)) return undefined;
  const { program, from } = resolveCommand(file, args);
  if (!SHELLS.has(program)) return launchedScript(program, args, from, depth);
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
