// The simple commands of a shell script as argument arrays (`git log '--output=x' | cat`
// -> [git, log, --output=x], [cat]), with quotes removed the way the shell removes them,
// so that what a program will see can be judged like an execFile call. Words whose value
// is only known at run time (expansions, globs) keep their text: no input can equal it.

import type { ShellToken, WordPart } from './tokenizer';

export interface ScriptCommand {
  readonly file: string;
  readonly args: string[];
}

/** Commands of `tokens` (and of the substitutions inside their words), in script order. */
export function scriptCommands(src: string, tokens: readonly ShellToken[], out: ScriptCommand[] = []): ScriptCommand[] {
  let words: string[] = [];
  let skipTarget = false;
  const flush = (): void => {
    if (words.length > 0) out.push({ file: words[0]!, args: words.slice(1) });
    words = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'operator') {
      flush();
      continue;
    }
    if (t.kind === 'redirection') {
      skipTarget = true; // `> file`, `2>&1`: the next word is where, not an argument
      continue;
    }
    if (t.kind !== 'word') continue;
    nestedCommands(src, t.parts, out);
    if (skipTarget) {
      skipTarget = false;
      continue;
    }
    if (t.assignment) continue;
    words.push(t.expands ? src.slice(t.start, t.end) : wordValue(src, t.parts));
  }
  flush();
  return out;
}

function nestedCommands(src: string, parts: readonly WordPart[], out: ScriptCommand[]): void {
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.tokens.length > 0) scriptCommands(src, p.tokens, out);
    if (p.parts.length > 0) nestedCommands(src, p.parts, out);
  }
}

/** Characters a backslash escapes inside double quotes; before any other it stays. */
const isDoubleQuoteEscapable = (c: number): boolean => c === 36 || c === 96 || c === 34 || c === 92 || c === 10;

/** The word after quote removal (for a word without expansions). */
function wordValue(src: string, parts: readonly WordPart[], inDouble = false): string {
  let value = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    switch (p.kind) {
      case 'escape': {
        const c = src.charCodeAt(p.start + 1);
        if (c === 10) break; // line continuation
        value += inDouble && !isDoubleQuoteEscapable(c) ? src.slice(p.start, p.end) : src.slice(p.start + 1, p.end);
        break;
      }
      case 'single-quoted':
      case 'ansi-c':
        value += src.slice(p.contentStart, p.contentEnd);
        break;
      case 'double-quoted':
        value += wordValue(src, p.parts, true);
        break;
      default:
        value += src.slice(p.start, p.end);
    }
  }
  return value;
}
