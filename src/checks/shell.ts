// What the child_process sinks ask the guard: a script a shell will run, a program with
// its argument array, or the module a fork() starts. Payloads hold the raw call pieces;
// joining and parsing happen in detect/describe, i.e. only when user input is present.
import { basename } from 'node:path';
import type { Config } from '../config/types';
import type * as PathDetector from '../detect/path';
import type * as ShellDetector from '../detect/shell';
import type { ArgumentInjectionPolicy, ProgramCall } from '../detect/shell';
import type { SinkDetector } from '../guard';
import type { Detection, UserInput } from '../detect/types';
import { AppTextMemory } from '../detect/app-text';
import { lazily } from '../lazy';

// The shell tokenizer and detectors load with the first check of a child process call.
/* eslint-disable @typescript-eslint/no-require-imports */
const shell = lazily(() => require('../detect/shell') as typeof ShellDetector);
const path = lazily(() => require('../detect/path') as typeof PathDetector);
/* eslint-enable @typescript-eslint/no-require-imports */

/** Scripts the app ran without input in them: their text is the app's own (detect/app-text.ts). */
export const shellAppTexts = new AppTextMemory();

/** A command line a shell runs: exec's string, or spawn/execFile with `shell` set. */
export interface ShellCommand {
  readonly command: string;
  /** With `shell` set, Node runs `[command, ...args].join(' ')`; undefined for exec. */
  readonly args: readonly unknown[] | undefined;
  /** The shell from the options; undefined means the platform default. */
  readonly shell: string | undefined;
}

/** A program started without a shell. */
export interface ArgvCommand {
  readonly file: string;
  readonly args: readonly unknown[];
}

/** A Node module started by fork(). */
export interface ForkCall {
  readonly modulePath: string;
  readonly execPath: string | undefined;
}

/** The script exactly as Node hands it to the shell (`sh -c <script>`). */
function scriptOf(call: ShellCommand): string {
  return call.args === undefined || call.args.length === 0 ? call.command : [call.command, ...call.args].join(' ');
}

/** The shell Node uses for `shell: true` and exec(). */
function defaultShell(): string {
  if (process.platform === 'win32') return process.env.comspec || 'cmd.exe';
  return process.platform === 'android' ? '/system/bin/sh' : '/bin/sh';
}

/**
 * A script a shell runs: the shell rules first; then, when an input is in it, the options
 * each of its commands receives (an input that stays one word may still be `--output=x`).
 * A script the app ran before without input is its own text either way.
 */
function judgeScript(script: string, inputs: readonly UserInput[], config: Config, partial: boolean | undefined): Detection | undefined {
  const found = shell().detectShellInjection(script, inputs, shellAppTexts, !partial);
  if (found !== undefined || !shell().lastScriptHeldInput() || shellAppTexts.knows(script)) return found;
  return shell().detectOptionsThroughShell(script, inputs, argumentPolicy(config));
}

export const shellDetector: SinkDetector<ShellCommand> = {
  kind: 'command_injection',
  family: 'shell',
  detect: (call, inputs, config, partial) => judgeScript(scriptOf(call), inputs, config, partial),
  describe: (call) => ({
    'process.command_line': shell().redactCommandLine(scriptOf(call)),
    'process.executable.name': basename(call.shell ?? defaultShell()),
  }),
};

export const argvDetector: SinkDetector<ArgvCommand> = {
  kind: 'command_injection',
  family: 'shell',
  detect(call, inputs, config, partial) {
    // Non-string elements are skipped by both detectors; Node rejects most of them anyway.
    const args = call.args as readonly string[];
    // `execFile('sh', ['-c', script])` starts a shell after all: judge the script as one.
    const script = shell().shellScriptOf(call.file, args);
    const inScript = script === undefined ? undefined : judgeScript(script, inputs, config, partial);
    return inScript ?? shell().detectArgumentInjection(call.file, args, inputs, argumentPolicy(config));
  },
  describe: (call) => ({
    'process.command_line': shell().redactCommandLine([call.file, ...call.args].join(' ')),
    'process.executable.name': basename(call.file),
  }),
};

/** The programs a call runs with their argument arrays: its own, and those of a shell script. */
function programCalls(call: ShellCommand | ArgvCommand, inputs: readonly UserInput[]): readonly ProgramCall[] {
  if ('file' in call) {
    const script = shell().shellScriptOf(call.file, call.args as readonly string[]);
    return script === undefined ? [call] : [call, ...scriptCalls(script, inputs)];
  }
  return scriptCalls(scriptOf(call), inputs);
}

/** A script's commands, lexed only when an input that could name an outside path is in it. */
function scriptCalls(script: string, inputs: readonly UserInput[]): readonly ProgramCall[] {
  let held = false;
  for (let i = 0; i < inputs.length && !held; i++) {
    const value = inputs[i]!.value;
    held = shell().mayLeaveDirectory(value) && script.indexOf(value) !== -1;
  }
  if (!held) return [];
  const lexed = shell().lexedScript(script);
  return lexed.unterminated ? [] : shell().scriptCommands(script, lexed.tokens);
}

/**
 * An input that is a whole argument of the program run, naming a path outside the working
 * directory (`cat ../../etc/passwd`): a path traversal, checked after the command itself.
 */
export const argumentPathDetector: SinkDetector<ShellCommand | ArgvCommand> = {
  kind: 'path_traversal',
  family: 'shell',
  detect: (call, inputs, config) => shell().detectArgumentPaths(programCalls(call, inputs), inputs, { allowedRoots: config.path.allowedRoots }),
  describe: (call) =>
    'file' in call
      ? { 'process.command_line': shell().redactCommandLine([call.file, ...call.args].join(' ')), 'process.executable.name': basename(call.file) }
      : { 'process.command_line': shell().redactCommandLine(scriptOf(call)), 'process.executable.name': basename(call.shell ?? defaultShell()) },
};

export const forkDetector: SinkDetector<ForkCall> = {
  kind: 'path_traversal',
  family: 'shell',
  detect: (call, inputs, config) => path().detectPathTraversal(call.modulePath, inputs, { allowedRoots: config.path.allowedRoots }),
  describe: (call) => {
    const execPath = call.execPath ?? process.execPath;
    return {
      'file.path': call.modulePath,
      'process.command_line': shell().redactCommandLine(`${execPath} ${call.modulePath}`),
      'process.executable.name': basename(execPath),
    };
  },
};

// `shell.dangerousOptions` merged into the built-in list once per configuration.
const policies = new WeakMap<Config, ArgumentInjectionPolicy>();

export function argumentPolicy(config: Config): ArgumentInjectionPolicy {
  let policy = policies.get(config);
  if (policy === undefined) {
    policy = mergePolicy(config.shell.dangerousOptions);
    policies.set(config, policy);
  }
  return policy;
}

/** Extra options add to a program's built-in ones; they never replace them. */
export function mergePolicy(extra: Readonly<Record<string, readonly string[]>>): ArgumentInjectionPolicy {
  const programs = Object.keys(extra);
  if (programs.length === 0) return shell().DEFAULT_DANGEROUS_OPTIONS;
  const merged: Record<string, readonly string[]> = Object.assign(Object.create(null) as object, shell().DEFAULT_DANGEROUS_OPTIONS);
  for (const program of programs) {
    // Keyed the way the detector looks programs up: basename, lower case, no `.exe`.
    const name = shell().programName(program);
    const builtIn = Object.hasOwn(merged, name) ? merged[name] : [];
    merged[name] = Object.freeze([...new Set([...builtIn, ...extra[program]])]);
  }
  return Object.freeze(merged);
}
