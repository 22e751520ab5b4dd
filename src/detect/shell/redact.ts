// A command line for telemetry (`process.command_line`): keep its shape (programs,
// options, operators, substitutions) so an attack is recognisable, drop the data
// (quoted strings, long arguments, option values, here-document bodies, comments).

import { lexShell, type ShellToken, type WordPart } from './tokenizer';

/** Arguments longer than this are replaced as a whole. */
const LONG_ARG = 24;
/** The redacted text is capped: telemetry attributes should stay small. */
const MAX_OUTPUT = 2048;
/** Only this much of a command line is looked at (the output is capped anyway). */
const MAX_INPUT = 64 * 1024;

export function redactCommandLine(cmd: string): string {
  if (typeof cmd !== 'string' || cmd.length === 0) return '';
  const src = cmd.length > MAX_INPUT ? cmd.slice(0, MAX_INPUT) : cmd;
  const out = redactTokens(src, lexShell(src).tokens);
  return out.length > MAX_OUTPUT || src !== cmd ? `${out.slice(0, MAX_OUTPUT)}…` : out;
}

function redactTokens(src: string, tokens: readonly ShellToken[]): string {
  let out = '';
  let prevEnd = -1;
  let afterNewline = false;
  for (const t of tokens) {
    if (out.length > MAX_OUTPUT) break; // the rest would be cut anyway
    // One space wherever the original had blanks between tokens.
    if (prevEnd !== -1 && t.start > prevEnd && out.length > 0 && !afterNewline) out += ' ';
    prevEnd = t.end;
    afterNewline = t.kind === 'heredoc' || (t.kind === 'operator' && src.charCodeAt(t.start) === 10);
    switch (t.kind) {
      case 'operator':
      case 'redirection':
        out += src.slice(t.start, t.end);
        break;
      case 'comment':
        out += '#?';
        break;
      case 'heredoc':
        out += '?\n';
        break;
      default:
        out += redactWord(src, t);
    }
  }
  return out;
}

function redactWord(src: string, t: ShellToken): string {
  const length = t.end - t.start;
  const first = t.parts.length > 0 ? t.parts[0] : undefined;
  // `--name=value`: keep the option name, never its value (passwords, tokens, paths).
  if (first !== undefined && first.kind === 'literal' && src.startsWith('--', t.start)) {
    const eq = src.indexOf('=', t.start);
    if (eq !== -1 && eq < first.end) return `${src.slice(t.start, eq + 1)}?`;
  }
  if (length > LONG_ARG && !hasSubstitution(t.parts)) return '?';
  let out = '';
  for (const p of t.parts) {
    if (out.length > MAX_OUTPUT) break;
    out += redactPart(src, p);
  }
  return out;
}

/** Parameter, arithmetic, command or process parts: kept visible (redacted inside). */
function hasSubstitution(parts: readonly WordPart[]): boolean {
  for (const p of parts) {
    switch (p.kind) {
      case 'parameter': case 'arithmetic': case 'command': case 'backtick': case 'process':
        return true;
      case 'double-quoted':
        if (hasSubstitution(p.parts)) return true;
        break;
      default:
    }
  }
  return false;
}

function redactPart(src: string, p: WordPart): string {
  switch (p.kind) {
    case 'single-quoted':
      return "'?'";
    case 'ansi-c':
      return "$'?'";
    case 'double-quoted': {
      const open = src.charCodeAt(p.start) === 36 /* $ */ ? '$"' : '"';
      let inner = '';
      let literalRun = false; // one `?` per run of literal text
      for (const q of p.parts) {
        if (inner.length > MAX_OUTPUT) break;
        const literal = q.kind === 'literal' || q.kind === 'escape';
        if (!(literal && literalRun)) inner += literal ? '?' : redactPart(src, q);
        literalRun = literal;
      }
      return `${open}${inner === '' ? '?' : inner}"`;
    }
    case 'command':
      return `$(${redactTokens(src, p.tokens)})`;
    case 'backtick':
      return `\`${redactTokens(src, p.tokens)}\``;
    case 'process':
      return `${src[p.start]}(${redactTokens(src, p.tokens)})`;
    case 'arithmetic':
      return '$((?))';
    case 'parameter':
      return p.end - p.start > LONG_ARG ? '${?}' : src.slice(p.start, p.end);
    case 'literal':
      return p.end - p.start > LONG_ARG ? '?' : src.slice(p.start, p.end);
    default: // escape, glob, brace, tilde
      return src.slice(p.start, p.end);
  }
}
