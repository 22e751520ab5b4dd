'use strict';
// Command injection: CRS 932 payloads in shell command lines (detectShellInjection,
// judged by shell-oracle.js) and in argument arrays run without a shell
// (detectArgumentInjection).

const corpora = require('./corpora');
const { load, input, verdict } = require('./detectors');
const { Tally, MistakeLog, outcomeOf } = require('./tally');
const oracle = require('./shell-oracle');

const PREFIX = 'grep -c ';
const SUFFIX = ' /srv/data.txt';

/** The `sh -c` scripts an app builds; `slot` returns the slot text including its quotes. */
const SCRIPT_TEMPLATES = [
  { name: 'sh unquoted', slot: (p) => p },
  { name: "sh '…' (unescaped)", slot: (p) => `'${p}'` },
  // The app escapes correctly ('\'' closes, adds a quote, reopens): nothing should be flagged.
  { name: "sh '…' (escaped)", slot: (p) => `'${p.replace(/'/g, "'\\''")}'` },
  { name: 'sh "…" (unescaped)', slot: (p) => `"${p}"` },
];

/**
 * Programs run without a shell. No shell means the input is always one argv element; it
 * leaves its slot only by being read as an option: it starts with `-` and no `--` comes
 * before it (POSIX utility syntax guideline 10). The detector aims only at options that
 * run commands or write files, so harmless options it ignores show up as "missed".
 */
const ARGV_TEMPLATES = [
  { name: 'argv: curl -s P', file: 'curl', args: (p) => ['-s', p], endOfOptions: false },
  { name: 'argv: git clone P /tmp/repo', file: 'git', args: (p) => ['clone', p, '/tmp/repo'], endOfOptions: false },
  { name: 'argv: grep -c -- P file', file: 'grep', args: (p) => ['-c', '--', p, '/srv/data.txt'], endOfOptions: true },
];

async function run() {
  const notes = [];
  const sets = corpora.crsSets('932');
  if (sets === undefined) {
    notes.push('CRS 932 skipped: the `yaml` package is not installed');
  }
  const det = load('shell', ['detectShellInjection', 'detectArgumentInjection']);
  if (det.error) notes.push(`detector: ${det.error}`);
  const oracleError = await oracle.init();
  if (oracleError) notes.push(`shell oracle: ${oracleError}`);
  else notes.push(`shell oracle: sh-syntax (mvdan/sh POSIX parser), ${oracle.mode()}`);

  // Without the fast parser each script costs 15-30 ms: then judge a deterministic sample
  // of about 300 payloads (every n-th) to stay within the time budget.
  const total = (sets ?? []).reduce((n, s) => n + s.payloads.length, 0);
  const stride = oracleError || oracle.fast() ? 1 : Math.max(1, Math.ceil(total / 300));
  if (stride > 1) notes.push(`sampled: every ${stride}th payload (${Math.ceil(total / stride)} of ${total}), because the fast parser path is unavailable`);

  const tally = new Tally();
  const mistakes = new MistakeLog();
  let cases = 0;
  let index = 0;
  for (const set of sets ?? []) {
    for (const payload of set.payloads) {
      if (index++ % stride !== 0) continue;
      for (const t of SCRIPT_TEMPLATES) {
        const slot = t.slot(payload);
        const script = PREFIX + slot + SUFFIX;
        const o = oracleError ? { attack: undefined, reason: oracleError } : await oracle.shellVerdict({ prefix: PREFIX, slot, suffix: SUFFIX });
        const d = det.mod ? verdict(() => det.mod.detectShellInjection(script, input(payload))) : { error: det.error };
        const outcome = outcomeOf(o.attack, d);
        tally.add({ file: set.file, label: set.label, template: t.name }, outcome);
        mistakes.note(outcome, { file: set.file, payload, template: t.name, why: o.reason, rule: d.rule ?? d.error });
        cases++;
      }
      for (const t of ARGV_TEMPLATES) {
        const isOption = !t.endOfOptions && payload.length > 1 && payload[0] === '-';
        const o = { attack: isOption, reason: isOption ? 'argv: read as an option' : 'argv: an operand' };
        const d = det.mod ? verdict(() => det.mod.detectArgumentInjection(t.file, t.args(payload), input(payload))) : { error: det.error };
        const outcome = outcomeOf(o.attack, d);
        tally.add({ file: set.file, label: set.label, template: t.name }, outcome);
        mistakes.note(outcome, { file: set.file, payload, template: t.name, why: o.reason, rule: d.rule ?? d.error });
        cases++;
      }
    }
  }
  return { name: 'shell', title: 'Command injection (detectShellInjection, detectArgumentInjection)', tally, mistakes, notes, cases, labelFields: ['template'] };
}

module.exports = { run };

if (require.main === module) {
  require('./run')
    .main(['shell'])
    .finally(() => process.exit(0));
}
