// An input that is a whole argument of a program is, for most programs, a file the
// program opens: `execFile('cat', [name])` with name `../../etc/passwd` or `/etc/passwd`
// reads outside the working directory as surely as fs.readFile would. Such an argument is
// judged by the path rules (detect/path), with `path.allowedRoots` honoured.

import type { Detection, UserInput } from '../types';
import { detectPathTraversal, type PathDetectOptions } from '../path';
import { resolveCommand } from './program';

export interface ProgramCall {
  readonly file: string;
  readonly args: readonly unknown[];
}

/** Programs whose operands are text or URLs, not files (curl and wget options that name files are in the dangerous-options list). */
const TEXT_OPERANDS: ReadonlySet<string> = new Set(['echo', 'printf', 'expr', 'test', '[', 'logger', 'basename', 'dirname', 'curl', 'wget']);
/** Programs whose first operand is a pattern or a program text, the rest files. */
const PATTERN_FIRST: ReadonlySet<string> = new Set(['grep', 'egrep', 'fgrep', 'rg', 'ag', 'sed', 'awk', 'gawk', 'mawk', 'nawk', 'jq']);

/** Can this input name a path outside the directory it is used in (absolute, or `..`)? */
export function mayLeaveDirectory(value: string): boolean {
  return value.length > 0 && (value.charCodeAt(0) === 47 /* / */ || value.indexOf('..') !== -1);
}

/**
 * The first input that is a whole operand of one of `calls` (not the program name, not an
 * option) and names a path outside the working directory, or undefined.
 */
export function detectArgumentPaths(calls: readonly ProgramCall[], inputs: readonly UserInput[], options?: PathDetectOptions): Detection | undefined {
  for (let c = 0; c < calls.length; c++) {
    const { file, args } = calls[c]!;
    if (typeof file !== 'string' || !Array.isArray(args)) continue;
    const { program, from } = resolveCommand(file, args as readonly string[]);
    if (TEXT_OPERANDS.has(program)) continue;
    let skipPattern = PATTERN_FIRST.has(program);
    for (let i = from; i < args.length; i++) {
      const arg = args[i];
      if (typeof arg !== 'string' || arg.length === 0 || arg.charCodeAt(0) === 45 /* - */) continue;
      if (skipPattern) {
        skipPattern = false; // `grep PATTERN FILE…`: the pattern is not a file
        continue;
      }
      for (let j = 0; j < inputs.length; j++) {
        const input = inputs[j]!;
        if (input.value !== arg || !mayLeaveDirectory(arg)) continue;
        const found = detectPathTraversal(arg, [input], options);
        if (found !== undefined) return { ...found, reason: `${found.reason} (a whole argument of ${program})` };
      }
    }
  }
  return undefined;
}
