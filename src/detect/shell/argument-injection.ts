// Argument injection without a shell: `execFile('git', ['clone', url])` with
// url = `--upload-pack=touch /tmp/pwned`. No shell syntax is involved, so the question
// is only whether user input chooses an option (something starting with `-`) of a
// program known to have options that run commands or write files.

import type { Detection, UserInput } from '../types';
import { budgetExceeded, spend } from '../budget';
import { resolveCommand } from './program';
import { indexOfLinear, nextOccurrence, smallestPeriod } from '../occurrences';

/**
 * Program basename (lower case, no `.exe`) -> dangerous argument prefixes.
 * Entries starting with `-` are options: `--long` matches `--long`, `--long=x`, `--long-more`
 * and abbreviations (`--upload-p`); `-x` (one letter) matches any single-dash cluster that
 * contains the letter (`-vo`, `-ofile`); `-word` (find, zip) matches by prefix.
 * Other entries (`ProxyCommand`, `ext::`) match, case-insensitively, an argument text
 * that starts where a user input starts.
 */
export interface ArgumentInjectionPolicy {
  [program: string]: readonly string[];
}

function policy(entries: Record<string, string[]>): ArgumentInjectionPolicy {
  const out: Record<string, readonly string[]> = {};
  for (const key of Object.keys(entries)) out[key] = Object.freeze(entries[key]);
  return Object.freeze(out);
}

const AWK = ['-f', '--file', '-e', '--source', '-E', '--exec', '-i', '--include', '-l', '--load'];
const PYTHON = ['-c', '-m'];

/**
 * Options that make these programs run commands, load code, or read/write arbitrary files.
 * Not included: `xargs` (its danger is the command operand, not an option) and the
 * program text of `awk`/`sed` operands (a language of its own; only their options are here).
 */
export const DEFAULT_DANGEROUS_OPTIONS: ArgumentInjectionPolicy = policy({
  git: ['--upload-pack', '--receive-pack', '-c', '--config', '--config-env', '--exec', '--exec-path', '-u', '--template',
    '--output', '--output-directory', '--open-files-in-pager', '-O', '--git-dir', '--work-tree', 'ext::', 'fd::'],
  // `@file` as a data or form value uploads the file: `-d @/etc/passwd`, `-F f=@/etc/passwd`.
  curl: ['-o', '--output', '--output-dir', '-O', '--remote-name', '-K', '--config', '-T', '--upload-file', '-D', '--dump-header',
    '-c', '--cookie-jar', '-b', '--cookie', '--trace', '--trace-ascii', '--libcurl', '--stderr', '-E', '--cert', '--key', '@'],
  wget: ['-O', '--output-document', '-e', '--execute', '--post-file', '--body-file', '-i', '--input-file',
    '-o', '--output-file', '-a', '--append-output', '-P', '--directory-prefix', '--use-askpass', '--config',
    '--load-cookies', '--save-cookies', '--rejected-log', '--warc-file'],
  ssh: ['-o', '-F', '-E', '-i', '-S', 'ProxyCommand', 'LocalCommand', 'KnownHostsCommand'],
  'ssh-keygen': ['-D', '-f', '-s'],
  scp: ['-o', '-S', '-F', '-i', 'ProxyCommand'],
  sftp: ['-o', '-S', '-F', '-D', '-b', '-i', 'ProxyCommand'],
  rsync: ['-e', '--rsh', '--rsync-path', '--log-file', '--write-batch', '--only-write-batch', '--read-batch', '--files-from',
    '--exclude-from', '--include-from', '--password-file'],
  tar: ['--checkpoint-action', '--to-command', '--use-compress-program', '-I', '-F', '--info-script',
    '--new-volume-script', '--rsh-command', '--rmt-command', '-T', '--files-from', '-X', '--exclude-from', '-C', '--directory'],
  find: ['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprintf', '-fprint', '-fprint0', '-fls', '-files0-from'],
  zip: ['-TT', '--unzip-command', '-T', '-O', '--output-file', '-@'],
  unzip: ['-d'],
  sendmail: ['-X', '-C', '-O', '-be'],
  psql: ['-c', '--command', '-f', '--file', '-o', '--output', '-L', '--log-file'],
  mysql: ['-e', '--execute', '--init-command', '--plugin-dir', '--defaults-file', '--defaults-extra-file', '--tee', '--pager'],
  mysqldump: ['-r', '--result-file', '--tab', '-T', '--defaults-file', '--defaults-extra-file', '--plugin-dir'],
  pg_dump: ['-f', '--file'],
  sqlite3: ['-cmd', '-init'],
  sed: ['-e', '--expression', '-f', '--file', '-i', '--in-place'],
  awk: AWK,
  gawk: AWK,
  mawk: AWK,
  nawk: AWK,
  node: ['-e', '--eval', '-p', '--print', '-r', '--require', '--import', '--loader', '--experimental-loader', '--inspect',
    '--inspect-brk', '--env-file', '--redirect-warnings', '--openssl-config', '--report-dir', '--diagnostic-dir'],
  python: PYTHON,
  python3: PYTHON,
  perl: ['-e', '-E', '-M', '-m', '-i'],
  ruby: ['-e', '-r', '-I'],
  php: ['-r', '-f', '-d', '-B', '-R', '-E', '-F'],
  man: ['-P', '--pager', '-H', '--html'],
  // Options that write the output, or read the input, from a file the option names.
  sort: ['-o', '--output', '--compress-program', '--files0-from', '-T', '--temporary-directory'],
  grep: ['-f', '--file', '-r', '-R', '--recursive', '--dereference-recursive'],
  diff: ['--to-file', '--from-file'],
  date: ['-f', '--file', '-r', '--reference'],
  cp: ['-t', '--target-directory', '-S', '--suffix'],
  mv: ['-t', '--target-directory', '-S', '--suffix'],
  install: ['-t', '--target-directory', '-S', '--suffix'],
  ln: ['-t', '--target-directory', '-S', '--suffix'],
  jq: ['-f', '--from-file', '--rawfile', '--slurpfile', '-L'],
  rg: ['--pre', '-f', '--file', '--ignore-file'],
  openssl: ['-out', '-in', '-engine', '-config', '-keyout', '-passin', '-rand', '-writerand'],
  convert: ['-write', '-script', '@'],
  magick: ['-write', '-script', '@'],
  ffmpeg: ['-i', '-f', '-filter_script', '-dump_attachment', '-y'],
  vim: ['-c', '--cmd', '-S', '-u', '-w', '-W'],
  vi: ['-c', '--cmd', '-S', '-u', '-w', '-W'],
  less: ['-o', '--log-file', '-O', '--LOG-FILE', '-k', '--lesskey-file'],
  pandoc: ['-o', '--output', '-F', '--filter', '-L', '--lua-filter', '--template', '--include-in-header', '-H',
    '--include-before-body', '-B', '--include-after-body', '-A', '--extract-media', '--data-dir'],
  exiftool: ['-config', '-@', '-o', '-w', '-W', '-tagsFromFile'],
  gs: ['-sOutputFile', '-dNOSAFER', '-o'],
  tcpdump: ['-z', '-w', '-r', '-F', '-Z'],
  'yt-dlp': ['--exec', '-o', '--output', '--config-location', '--batch-file', '-a', '--cookies', '--downloader', '--external-downloader'],
  'youtube-dl': ['--exec', '-o', '--output', '--config-location', '--batch-file', '-a', '--cookies', '--external-downloader'],
  aria2c: ['--on-download-complete', '--on-download-start', '--on-download-error', '--on-download-stop', '--on-bt-download-complete',
    '--on-download-pause', '-d', '--dir', '-i', '--input-file', '--conf-path', '--save-session', '-l', '--log'],
  wkhtmltopdf: ['--enable-local-file-access', '--run-script', '--allow', '--cookie-jar', '--user-style-sheet'],
  hg: ['--config', '--debugger', '-R', '--repository', '--cwd'],
  svn: ['--config-option', '--config-dir', '--editor-cmd', '--diff-cmd', '--diff3-cmd'],
  nmap: ['--script', '-oN', '-oX', '-oG', '-oA', '-iL', '--datadir', '--resume'],
  chromium: ['--renderer-cmd-prefix', '--gpu-launcher', '--utility-cmd-prefix', '--browser-subprocess-path', '--user-data-dir'],
  'google-chrome': ['--renderer-cmd-prefix', '--gpu-launcher', '--utility-cmd-prefix', '--browser-subprocess-path', '--user-data-dir'],
});

/** Programs that read options after `--` too (find's expression follows its paths). */
const IGNORES_END_OF_OPTIONS: ReadonlySet<string> = new Set(['find']);

const RULE = 'cmdi.argument-injection';

/** Detect user input choosing dangerous options of `file` run without a shell. */
export function detectArgumentInjection(
  file: string,
  args: readonly string[],
  inputs: readonly UserInput[],
  policy: ArgumentInjectionPolicy = DEFAULT_DANGEROUS_OPTIONS,
): Detection | undefined {
  if (inputs.length === 0 || typeof file !== 'string' || !Array.isArray(args) || args.length === 0) return undefined;
  const { program, from } = resolveCommand(file, args);
  if (!Object.hasOwn(policy, program)) return undefined;
  const entries = policy[program];
  if (!Array.isArray(entries)) return undefined;
  const honoursEnd = !IGNORES_END_OF_OPTIONS.has(program);
  for (let i = from; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== 'string' || arg.length === 0) continue;
    if (arg === '--' && honoursEnd) break; // the app ended the options: the rest are operands
    const isOption = arg.charCodeAt(0) === 45; /* - */
    // Charged once per argument, for every input it is searched for: counting per pair
    // doubled the cost of the common no-match case.
    if (spend(arg.length * inputs.length)) return budgetExceeded('command_injection', inputs[0]);
    for (let j = 0; j < inputs.length; j++) {
      const value = inputs[j].value;
      if (typeof value !== 'string' || value.length < 2) continue;
      // inspectArgument only finds an input in the argument (equal to it, at its start, after
      // `-o` or an `=`) or, for an option, the option among the blank-separated words of a
      // longer input. Anything else cannot match; ruling it out here keeps the common case
      // (headers and other inputs unrelated to the command) to a length test or two.
      if (value.length <= arg.length ? indexOfLinear(arg, value, 0) === -1 : !isOption || !hasWordStartingWithDash(value)) continue;
      const reason = inspectArgument(args, i, value, entries, program);
      if (reason !== undefined) return { kind: 'command_injection', input: inputs[j], rule: RULE, reason };
    }
  }
  return undefined;
}

/** Why `args[i]` (built with `value`) is an injected option, or undefined. */
function inspectArgument(
  args: readonly string[],
  i: number,
  value: string,
  entries: readonly string[],
  program: string,
): string | undefined {
  const arg = args[i];
  if (arg.length >= 2 && arg.charCodeAt(0) === 45 /* - */) {
    const whole = arg === value || (isBlankDelimitedIn(value, arg) && isSplitInto(value, args, i));
    const starts = whole || arg.startsWith(value);
    if (starts) {
      for (let k = 0; k < entries.length; k++) {
        if (matchesOption(arg, entries[k])) return `the input supplies the dangerous option ${entries[k]} to ${program}`;
      }
      if (whole) return `the input supplies an option (an argument starting with "-") to ${program}`;
    }
  }
  // Entries that are not options (`ProxyCommand`, `ext::`): where the input begins a value:
  // the argument's start, after a short option (`-oProxyCommand=`), or after an `=`.
  const shortOption = arg.length > 2 && arg.charCodeAt(0) === 45 && arg.charCodeAt(1) !== 45;
  let at = 0;
  while (at !== -1) {
    if (arg.startsWith(value, at)) {
      for (let k = 0; k < entries.length; k++) {
        const entry = entries[k];
        if (entry.charCodeAt(0) !== 45 && startsWithIgnoreCase(arg, entry, at)) {
          return `the input supplies ${entry} to ${program}`;
        }
      }
    }
    const eq = arg.indexOf('=', at);
    at = at === 0 && shortOption ? 2 : eq === -1 ? -1 : eq + 1;
  }
  return undefined;
}

function matchesOption(arg: string, entry: string): boolean {
  if (entry.length < 2 || entry.charCodeAt(0) !== 45) return false;
  const argLong = arg.charCodeAt(1) === 45;
  if (entry.charCodeAt(1) === 45) {
    if (!argLong) return false;
    if (arg.startsWith(entry)) return true;
    // getopt_long and git accept unambiguous abbreviations: `--upload-p=...`.
    let nameEnd = arg.indexOf('=');
    if (nameEnd === -1) nameEnd = arg.length;
    return nameEnd >= 5 && nameEnd < entry.length && entry.startsWith(arg.substring(0, nameEnd));
  }
  if (argLong) return false;
  if (entry.length === 2) return arg.indexOf(entry[1], 1) !== -1; // the letter anywhere in a cluster
  return arg.startsWith(entry);
}

/** Is `arg` one of the blank-separated pieces of `value` (`value.split(' ')` by the app)? */
function isBlankDelimitedIn(value: string, arg: string): boolean {
  let at = indexOfLinear(value, arg, 0);
  let period = 0; // made when a second occurrence is looked for
  while (at !== -1) {
    const before = at === 0 ? 32 : value.charCodeAt(at - 1);
    const endAt = at + arg.length;
    const after = endAt === value.length ? 32 : value.charCodeAt(endAt);
    if (isSeparator(before) && isSeparator(after)) return true;
    if (period === 0) period = smallestPeriod(arg);
    at = nextOccurrence(value, arg, at, period);
  }
  return false;
}

const isSeparator = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** Does a blank-separated word of `value` start with `-` (only then can it hold an option)? */
function hasWordStartingWithDash(value: string): boolean {
  for (let at = value.indexOf('-'); at !== -1; at = value.indexOf('-', at + 1)) {
    if (at === 0 || isSeparator(value.charCodeAt(at - 1))) return true;
  }
  return false;
}

/**
 * Did the app split `value` on blanks into consecutive arguments around `args[i]`? Checked
 * so that an app's own option (`-s`) that also occurs in a long input is not blamed on it.
 */
function isSplitInto(value: string, args: readonly string[], i: number): boolean {
  const pieces: string[] = [];
  let from = -1;
  for (let k = 0; k <= value.length; k++) {
    const blank = k === value.length || isSeparator(value.charCodeAt(k));
    if (blank && from !== -1) {
      pieces.push(value.slice(from, k));
      from = -1;
    } else if (!blank && from === -1) {
      from = k;
    }
  }
  for (let first = Math.max(0, i - pieces.length + 1); first <= i; first++) {
    if (first + pieces.length > args.length) break;
    let all = true;
    for (let k = 0; k < pieces.length && all; k++) all = args[first + k] === pieces[k];
    if (all) return true;
  }
  return false;
}

function startsWithIgnoreCase(text: string, prefix: string, at: number): boolean {
  if (text.length - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    let a = text.charCodeAt(at + i);
    let b = prefix.charCodeAt(i);
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a !== b) return false;
  }
  return true;
}
