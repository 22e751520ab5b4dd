// Option injection through a shell: `exec('git log ' + ref)` with ref `--output=/tmp/x`
// stays one word, so the shell rules pass it, yet git reads it as an option and writes a
// file. Each simple command of the script is judged like the execFile call the shell makes.

import type { Detection, UserInput } from '../types';
import { detectArgumentInjection, type ArgumentInjectionPolicy } from './argument-injection';
import { lexedScript } from './detector';
import { scriptCommands } from './script-commands';

/**
 * The first input that chooses an option of a program the script runs (per `policy`), or
 * undefined. Meant for scripts that hold an input and passed the shell rules.
 */
export function detectOptionsThroughShell(script: string, inputs: readonly UserInput[], policy?: ArgumentInjectionPolicy): Detection | undefined {
  const lexed = lexedScript(script);
  if (lexed.unterminated) return undefined; // the shell rules refused it already
  const commands = scriptCommands(script, lexed.tokens);
  for (let i = 0; i < commands.length; i++) {
    const found = detectArgumentInjection(commands[i]!.file, commands[i]!.args, inputs, policy);
    if (found !== undefined) return { ...found, reason: `${found.reason} (through the shell)` };
  }
  return undefined;
}
