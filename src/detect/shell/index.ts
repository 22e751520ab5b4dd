// Command injection detectors: shell scripts (`exec`, `spawn` with `shell: true`,
// `execFile('sh', ['-c', ...])`) and argument injection into programs run without a shell.

export { detectShellInjection } from './detector';
export type { ShellFinding, ShellRule } from './detector';
export { tokenizeShell } from './tokenizer';
export type { ShellToken, ShellTokenKind, WordPart, WordPartKind } from './tokenizer';
export { DEFAULT_DANGEROUS_OPTIONS, detectArgumentInjection } from './argument-injection';
export type { ArgumentInjectionPolicy } from './argument-injection';
export { shellScriptOf, isShell } from './shell-script';
export { programName } from './program';
export { redactCommandLine } from './redact';
