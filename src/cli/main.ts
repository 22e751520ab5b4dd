#!/usr/bin/env node
// `npx rampart <command>`: the rollout tools (monitor -> report -> allow -> block).
import { readFileSync } from 'node:fs';
import { checkConfig } from './check-config';
import { readFindings, type LoggedFinding } from './findings';
import { groupFindings } from './group';
import { reportJson, reportTable } from './report';
import { suggestAllow, SuggestError } from './suggest';

const USAGE = `usage:
  rampart report [--json] <log files...|->       findings grouped by route, input, rule and action
  rampart suggest --benign <id>[,<id>...] <log files...|->
                                                  allow rules for the findings you judged benign
  rampart check-config [file]                     validate a configuration as the agent would
Log files are rampart's pino JSON lines or OTLP/HTTP JSON log exports; "-" or none reads stdin.
`;

interface Parsed {
  readonly flags: Map<string, string | true>;
  readonly rest: string[];
}

function parseArgs(args: readonly string[]): Parsed {
  const flags = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json' || arg === '--help' || arg === '-h') flags.set(arg, true);
    else if (arg === '--benign') flags.set(arg, args[++i] ?? '');
    else if (arg.startsWith('--benign=')) flags.set('--benign', arg.slice('--benign='.length));
    else if (arg.startsWith('--')) throw new SuggestError(`unknown option ${arg}`);
    else rest.push(arg);
  }
  return { flags, rest };
}

function readLogs(files: readonly string[]): { findings: LoggedFinding[]; skipped: number } {
  const findings: LoggedFinding[] = [];
  let skipped = 0;
  for (const file of files.length === 0 ? ['-'] : files) {
    const result = readFindings(readFileSync(file === '-' ? 0 : file, 'utf8'));
    findings.push(...result.findings);
    skipped += result.skipped;
  }
  return { findings, skipped };
}

function run(argv: readonly string[]): number {
  const [command, ...args] = argv;
  const { flags, rest } = parseArgs(args);
  if (command === undefined || flags.has('--help') || flags.has('-h') || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'report') {
    const { findings, skipped } = readLogs(rest);
    const groups = groupFindings(findings);
    process.stdout.write(flags.has('--json') ? reportJson(groups) + '\n' : reportTable(groups, skipped));
    return 0;
  }
  if (command === 'suggest') {
    const benign = String(flags.get('--benign') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const groups = groupFindings(readLogs(rest).findings);
    process.stdout.write(JSON.stringify(suggestAllow(groups, benign), null, 2) + '\n');
    return 0;
  }
  if (command === 'check-config') {
    if (rest.length > 1) throw new SuggestError('check-config takes one file');
    const { code, out } = checkConfig(rest[0], process.cwd(), process.env);
    (code === 0 ? process.stdout : process.stderr).write(out);
    return code;
  }
  throw new SuggestError(`unknown command ${command}`);
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (error) {
  // Usage mistakes and unreadable files are one line, not a stack trace.
  const known = error instanceof SuggestError || (error as NodeJS.ErrnoException).code !== undefined;
  process.stderr.write(`rampart: ${known ? (error as Error).message : (error as Error).stack}\n${error instanceof SuggestError ? '\n' + USAGE : ''}`);
  process.exitCode = 2;
}
