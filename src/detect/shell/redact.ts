// A command line for telemetry (`process.command_line`): keep its shape (programs,
// options, operators, substitutions) so an attack is recognisable, drop the data
// (quoted strings, long arguments, option values, here-document bodies, comments) and
// every credential, however short: `NAME=value` assignments (`PGPASSWORD=...`), the
// value of secret-named options (`--password x`, `--token=x`), mysql-like clients'
// attached `-pPASSWORD`, curl's `-u user:pass`, `-H 'Authorization: ...'` and `-b`
// cookies, and the userinfo and query of URLs.

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

/** Clients that take `-pPASSWORD` attached (mysql's own tools, MariaDB's, sshpass). */
const ATTACHED_PASSWORD = new Set(['mysql', 'mysqldump', 'mysqladmin', 'mysqlimport', 'mysqlshow', 'mysqlcheck', 'mysqlsh', 'mariadb', 'mariadb-dump', 'mariadb-admin', 'mariadb-import', 'sshpass']);
/** HTTP clients whose short options carry credentials: `-u user:pass`, `-H 'Authorization: ...'`, `-b cookies`. */
const HTTP_CLIENTS = new Set(['curl', 'wget', 'http', 'https', 'xh']);
const HTTP_SECRET_SHORT = new Set(['u', 'U', 'H', 'b', 'E']);
/** A long option (`--db-password`, `--auth-token`) whose value is secret when its name contains one of these. */
const SECRET_OPTION_WORDS = ['password', 'passwd', 'pwd', 'pass', 'token', 'secret', 'key', 'auth', 'credential', 'cookie', 'header', 'user', 'bearer'];

/** Programs that run the next word as the program. */
const WRAPPERS = new Set(['sudo', 'env', 'nice', 'nohup', 'timeout', 'exec', 'command', 'xargs', 'time', 'doas']);

/** What the words of the current simple command are seen against. */
interface CommandState {
  program: string;
  /** The previous word was an option whose value is secret. */
  secretNext: boolean;
}

function redactTokens(src: string, tokens: readonly ShellToken[]): string {
  let out = '';
  let prevEnd = -1;
  let afterNewline = false;
  const command: CommandState = { program: '', secretNext: false };
  for (const t of tokens) {
    if (out.length > MAX_OUTPUT) break; // the rest would be cut anyway
    // One space wherever the original had blanks between tokens.
    if (prevEnd !== -1 && t.start > prevEnd && out.length > 0 && !afterNewline) out += ' ';
    prevEnd = t.end;
    afterNewline = t.kind === 'heredoc' || (t.kind === 'operator' && src.charCodeAt(t.start) === 10);
    switch (t.kind) {
      case 'operator':
        command.program = '';
        command.secretNext = false;
        out += src.slice(t.start, t.end);
        break;
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
        out += redactWord(src, t, command);
    }
  }
  return out;
}

function redactWord(src: string, t: ShellToken, command: CommandState): string {
  const secret = command.secretNext;
  command.secretNext = false;
  if (t.commandName) command.program = programName(src, t);
  else if (WRAPPERS.has(command.program) && !t.assignment && src.charCodeAt(t.start) !== 0x2d && nameEnd(src.slice(t.start, t.end)) === -1) {
    command.program = programName(src, t); // `sudo mysql ...`, `env X=1 mysql ...`
  }
  if (secret) return secretValue(src, t.parts, 0);
  const first = t.parts.length > 0 ? t.parts[0] : undefined;
  if (first !== undefined && first.kind === 'literal') {
    const word = src.slice(first.start, first.end);
    // `NAME=value` (an assignment, `env PGPASSWORD=x`, `key=value`) and `--name=value`:
    // keep the name, never the value.
    const eq = nameEnd(word);
    if (eq !== -1) return `${word.slice(0, eq + 1)}${secretValue(src, t.parts, first.start + eq + 1)}`;
    const option = optionCarriesSecret(word, command.program);
    if (option === 'next') command.secretNext = true;
    else if (option !== undefined) return `${word.slice(0, option)}${secretValue(src, t.parts, first.start + option)}`;
    if (word.includes('://') && isPlainWord(t.parts)) return redactUrl(src.slice(t.start, t.end));
  }
  if (t.end - t.start > LONG_ARG && !hasSubstitution(t.parts)) return '?';
  let out = '';
  for (const p of t.parts) {
    if (out.length > MAX_OUTPUT) break;
    out += redactPart(src, p);
  }
  return out;
}

/** The program a command-name word runs, without its directory: `/usr/bin/mysql` -> `mysql`. */
function programName(src: string, t: ShellToken): string {
  const first = t.parts[0];
  if (first === undefined || first.kind !== 'literal' || t.parts.length !== 1) return '';
  const text = src.slice(first.start, first.end);
  return text.slice(text.lastIndexOf('/') + 1).toLowerCase();
}

/**
 * Where `NAME=` ends (the index of `=`) when the word starts with an identifier or a
 * `--long-option` followed by `=`; -1 otherwise.
 */
function nameEnd(word: string): number {
  let i = word.startsWith('--') ? 2 : 0;
  const nameStart = i;
  for (; i < word.length; i++) {
    const c = word.charCodeAt(i);
    const ok = c === 0x5f || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (i > nameStart && ((c >= 0x30 && c <= 0x39) || (nameStart === 2 && c === 0x2d)));
    if (!ok) break;
  }
  return i > nameStart && word.charCodeAt(i) === 0x3d ? i : -1;
}

/**
 * Does this option carry a secret? `'next'`: its value is the next word (`--password x`,
 * curl's `-u x`); a number: the value starts at that offset of the word (`-pSECRET`,
 * `-uuser:pass`); undefined: no.
 */
function optionCarriesSecret(word: string, program: string): 'next' | number | undefined {
  if (word.startsWith('--')) {
    const name = word.slice(2).toLowerCase();
    for (const w of SECRET_OPTION_WORDS) if (name.includes(w)) return 'next';
    return undefined;
  }
  if (word.length < 2 || word.charCodeAt(0) !== 0x2d) return undefined;
  const letter = word[1]!;
  if (letter === 'p' && ATTACHED_PASSWORD.has(program)) return word.length > 2 ? 2 : program === 'sshpass' ? 'next' : undefined;
  if (HTTP_CLIENTS.has(program) && HTTP_SECRET_SHORT.has(letter)) return word.length > 2 ? 2 : 'next';
  return undefined;
}

/** A secret value from offset `from` of the word on: `?`, with substitutions still shown (their names are not secret). */
function secretValue(src: string, parts: readonly WordPart[], from: number): string {
  let out = '';
  let literalRun = false;
  for (const p of parts) {
    if (p.end <= from) continue;
    const shown = p.kind === 'parameter' || p.kind === 'command' || p.kind === 'backtick' || p.kind === 'process' || p.kind === 'arithmetic';
    if (p.kind === 'double-quoted' && hasSubstitution(p.parts)) out += `"${secretValue(src, p.parts, from)}"`;
    else if (shown) out += redactPart(src, p);
    else if (!literalRun) out += '?';
    literalRun = !shown && p.kind !== 'double-quoted';
  }
  return out === '' ? '?' : out;
}

/** A word without quotes or substitutions (an unquoted `?` in a URL lexes as a glob). */
function isPlainWord(parts: readonly WordPart[]): boolean {
  for (const p of parts) if (p.kind !== 'literal' && p.kind !== 'glob' && p.kind !== 'brace' && p.kind !== 'escape') return false;
  return true;
}

/** `scheme://user:pass@host/path?query` as `scheme://?@host/path?…`: no credentials, no query values. */
function redactUrl(word: string): string {
  const start = word.indexOf('://') + 3;
  let end = word.length;
  for (let i = start; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) {
      end = i;
      break;
    }
  }
  const at = word.lastIndexOf('@', end - 1);
  let out = at >= start ? `${word.slice(0, start)}?${word.slice(at)}` : word;
  const q = out.indexOf('?', at >= start ? start + 2 : start);
  if (q !== -1) out = `${out.slice(0, q)}?…`;
  // A long URL may carry a secret in its path (webhook URLs): dropped whole, like any long argument.
  return out.length > LONG_ARG ? '?' : out;
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
