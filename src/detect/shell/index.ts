// Command injection detectors.
//
// - detectShellInjection(script, inputs): for anything a shell runs (`exec`, `spawn` with
//   `shell: true`, and `execFile` calls for which shellScriptOf returns a script). An input
//   must stay a value inside one word; rule ids: cmdi.operator, cmdi.substitution,
//   cmdi.expansion, cmdi.redirection, cmdi.comment, cmdi.quote-breakout,
//   cmdi.word-boundary, cmdi.command, cmdi.glob, cmdi.metacharacter, cmdi.unterminated.
// - detectArgumentInjection(file, args, inputs, policy): programs run without a shell,
//   where input choosing an option is the attack; rule id cmdi.argument-injection.
// - tokenizeShell: the lexer both rely on; redactCommandLine: for telemetry.

export { detectShellInjection, lastScriptHeldInput } from './detector';
export { detectOptionsThroughShell } from './shell-options';
export { detectArgumentPaths, mayLeaveDirectory } from './argument-paths';
export type { ProgramCall } from './argument-paths';
export { scriptCommands } from './script-commands';
export { lexedScript } from './detector';
export type { ShellFinding, ShellRule } from './detector';
export { tokenizeShell } from './tokenizer';
export type { ShellToken, ShellTokenKind, WordPart, WordPartKind } from './tokenizer';
export { DEFAULT_DANGEROUS_OPTIONS, detectArgumentInjection } from './argument-injection';
export type { ArgumentInjectionPolicy } from './argument-injection';
export { isShell, shellScriptOf } from './shell-script';
export { programName } from './program';
export { redactCommandLine } from './redact';
