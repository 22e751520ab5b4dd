// Command injection through a shell: DESIGN.md section 3 applied to `sh -c` scripts.
// An input is safe only where it stays inside one word and contributes nothing but
// literal characters to it. Everything it could add instead (operators, substitutions,
// expansions, redirections, comments, quote changes, extra words, a program name) is an
// attack, and a script that contains an input but does not lex is an attack too.

import type { Detection, UserInput } from '../types';
import { budgetExceeded, budgetRanOut, spend } from '../budget';
import { lexShell, type LexResult, type ShellToken, type WordPart } from './tokenizer';
import { INDEXED_PAYLOAD, indexOfLinear, nextOccurrence, smallestPeriod } from '../occurrences';
import type { AppTextMemory } from '../app-text';
import { asciiLower } from '../sql/fold';
import { hasAsciiUpper, type CaselessForm } from './caseless';
import { TruncationProbe, findTruncatedPrefixes, mayHoldHead, prefixEnds, prefixStarts, prefixWork } from '../truncated-prefix';
import type { ShellProbes } from './truncation';
import { shellValueFacts } from './value-facts';

export type ShellRule =
  | 'cmdi.operator'
  | 'cmdi.substitution'
  | 'cmdi.expansion'
  | 'cmdi.redirection'
  | 'cmdi.comment'
  | 'cmdi.quote-breakout'
  | 'cmdi.word-boundary'
  | 'cmdi.command'
  | 'cmdi.glob'
  | 'cmdi.metacharacter'
  | 'cmdi.unterminated';

export interface ShellFinding {
  readonly rule: ShellRule;
  readonly reason: string;
}

// Lower number wins when one input does several things (the reported rule should be
// the most telling one: `x; rm` is an operator before it is an extra word).
const PRIORITY: Record<ShellRule, number> = {
  'cmdi.unterminated': 0,
  'cmdi.operator': 1,
  'cmdi.substitution': 2,
  'cmdi.expansion': 3,
  'cmdi.redirection': 4,
  'cmdi.comment': 5,
  'cmdi.quote-breakout': 6,
  'cmdi.word-boundary': 7,
  'cmdi.command': 8,
  'cmdi.glob': 9,
  'cmdi.metacharacter': 10,
};

const f = (rule: ShellRule, reason: string): ShellFinding => ({ rule, reason });

const UNTERMINATED = f('cmdi.unterminated', 'the command line containing the input does not parse (unterminated quote, substitution or here-document, or nesting too deep)');
const SUBSTITUTION = f('cmdi.substitution', 'the input adds or reaches into a command substitution');
const EXPANSION = f('cmdi.expansion', 'the input adds or reaches into a parameter or arithmetic expansion');
const REDIRECTION = f('cmdi.redirection', 'the input adds a redirection');
const HEREDOC = f('cmdi.redirection', 'the input changes where a here-document ends');
const COMMENT = f('cmdi.comment', 'the input starts a comment that hides the rest of the command');
const QUOTE = f('cmdi.quote-breakout', 'the input closes or opens a quote, or escapes a character outside itself');
const WORDS = f('cmdi.word-boundary', 'the input spans several words or splits a word into arguments');
const COMMAND = f('cmdi.command', 'the input is the whole name of the program to run');
const TOO_COMPLEX = f('cmdi.unterminated', 'the command line holding the input is too long or repeats it too often to inspect (failing closed)');

// Work budget per call, counted in tokens and parts visited. An input repeated throughout a
// huge script (`''''...`) would otherwise cost occurrences x input length; real commands
// use a few dozen visits. The detector is synchronous, so a module-level counter is safe.
const BUDGET = 1_000_000;
/** Longest script with user input that is lexed rather than refused (see detectShellInjection). */
const MAX_SCRIPT_LENGTH = 256 * 1024;
let budget = BUDGET;

function operatorFinding(src: string, t: ShellToken): ShellFinding {
  const op = src.slice(t.start, t.end);
  return f('cmdi.operator', `the input adds the shell operator ${JSON.stringify(op)}`);
}

function globFinding(src: string, p: WordPart): ShellFinding {
  const c = src[p.start];
  const what = p.kind === 'brace' ? 'brace expansion' : p.kind === 'tilde' ? 'tilde expansion' : 'pathname glob';
  return f('cmdi.glob', `the input adds the unquoted ${what} character ${JSON.stringify(c)}`);
}

function metaFinding(c: string): ShellFinding {
  return f('cmdi.metacharacter', `the input adds the unquoted special character ${JSON.stringify(c)}`);
}

/** Characters an input may contribute unquoted: letters, digits, `-_./,:=@+%`, non-ASCII. */
export function isSafeWordChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
    c === 45 || c === 95 || c === 46 || c === 47 || c === 44 || c === 58 || c === 61 ||
    c === 64 || c === 43 || c === 37 || c >= 128
  );
}

const isBlank = (c: number): boolean => c === 32 || c === 9;

/** Inputs that cannot change a command by themselves are not worth a tokenizer run. */
function worthChecking(value: string): boolean {
  const n = value.length;
  if (n === 0) return false;
  if (n === 1) {
    const c = value.charCodeAt(0);
    return !((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) && !isBlank(c);
  }
  for (let i = 0; i < n; i++) if (!isBlank(value.charCodeAt(i))) return true;
  return false; // only blanks: would match every gap between words
}

function allSafe(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (!isSafeWordChar(value.charCodeAt(i))) return false;
  return true;
}

/**
 * Detect shell command injection by any input into `script` (run by `sh -c`). With
 * `appTexts`, a script the app already ran without any input in it is its own text: an
 * input occurring in it is a coincidence (detect/app-text.ts); scripts without any
 * occurrence are added to it.
 */
export function detectShellInjection(script: string, inputs: readonly UserInput[], appTexts?: AppTextMemory, learn = true): Detection | undefined {
  if (typeof script !== 'string') return undefined;
  const found = findShellInjection(script, inputs);
  if (found === undefined) {
    if (appTexts !== undefined && learn && !occurred) appTexts.remember(script);
    return undefined;
  }
  return appTexts?.knows(script) ? undefined : found;
}

/** Whether the last findShellInjection call found any input in its script. */
let occurred = false;

/** Whether the script of the last detectShellInjection call held an input (in any form). */
export function lastScriptHeldInput(): boolean {
  return occurred;
}

/** The last script lexed, kept: the option check (shell-options.ts) reads the same tokens. */
const lastLex = { script: '', lexed: undefined as LexResult | undefined };

/** The tokens of `script`, lexed once per script text in a row (stops early if unterminated). */
export function lexedScript(script: string): LexResult {
  if (lastLex.lexed === undefined || lastLex.script !== script) {
    lastLex.lexed = lexShell(script, true);
    lastLex.script = script;
  }
  return lastLex.lexed;
}

function findShellInjection(script: string, inputs: readonly UserInput[]): Detection | undefined {
  occurred = false;
  cuts.count = 0;
  let scriptUpper = -1; // whether the script has upper-case ASCII letters, once asked
  let lexed: LexResult | undefined;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i];
    const value = input.value;
    if (typeof value !== 'string' || !worthChecking(value)) continue;
    if (spend(script.length)) return budgetExceeded('command_injection', input);
    let haystack = script;
    let needle = value;
    // Head first: an input whose first characters (its truncation probe's head) are not in
    // the script occurs nowhere in it, nor does any prefix worth following, so one short
    // search answers both questions on the common no-match path (truncated-prefix.ts).
    const { fold, probes, rewritten } = shellValueFacts(value, i);
    // A value with upper-case letters is not, as it is, in a script without any: only its
    // folded form is looked for below, which also finds any prefix the two share.
    if (fold !== undefined && fold.upper && scriptUpper < 0) scriptUpper = scriptHasUpper(script) ? 1 : 0;
    const caseOnly = fold !== undefined && fold.upper && scriptUpper === 0;
    const headless = caseOnly || (probes.exact !== null && script.length < INDEXED_PAYLOAD && probes.exact.indexIn(script, 0) === -1);
    let at = headless ? -1 : indexOfLinear(script, value, 0);
    let folded = false;
    // What an app pastes instead of the value (value-facts.ts): its quotes backslash-escaped,
    // which inside single quotes escapes nothing (`\'` ends the quoted string there), and
    // the value trimmed or NFKC-normalized (`＆＆` runs as `&&`). Each is judged where it
    // stands; where the escape is right (outside quotes, in double quotes) that says so.
    for (let a = 0; a < rewritten.length && at === -1; a++) {
      if (spend(script.length)) return budgetExceeded('command_injection', input);
      const e = indexOfLinear(script, rewritten[a]!, 0);
      if (e !== -1) {
        needle = rewritten[a]!;
        at = e;
      }
    }
    if (at === -1) {
      // The app may have changed the input's case (`name.toLowerCase()`): `X;ID` runs as
      // `x;id`. ASCII folding keeps every offset, so occurrences in the folded script are
      // occurrences in the script (caseless.ts).
      if (fold !== undefined) {
        if (scriptUpper < 0) scriptUpper = scriptHasUpper(script) ? 1 : 0;
        if (fold.upper || scriptUpper === 1) {
          folded = true;
          haystack = scriptUpper === 1 ? foldedScript(script) : script;
          needle = fold.lower;
          // Without upper-case letters the value is its own lower-case form: same head.
          const lowerProbe = probes.lower ?? probes.exact;
          if (lowerProbe !== null && haystack.length < INDEXED_PAYLOAD && lowerProbe.indexIn(haystack, 0) === -1) continue;
          // The anchor (caseless.ts) rules the whole value out, not a prefix of it.
          if (fold.anchor === '' || script.indexOf(fold.anchor) !== -1) at = indexOfLinear(haystack, needle, 0);
        }
      }
      if (!folded && headless) continue;
    }
    if (at === -1) {
      // Nowhere, in any case: the app may have cut it (`arg.slice(0, 20)`). Its prefixes are
      // judged after every input was looked for whole, so an input that is in the script is
      // the one blamed rather than another whose prefix spells it.
      if (probes.exact !== null) deferCut(i, probes, folded ? fold : undefined);
      continue;
    }
    occurred = true;
    // Lexing allocates per word part, so a huge script costs garbage collection more than
    // scanning; no shell accepts one this long as its `-c` argument anyway (Linux caps one
    // argument at 128 KiB), so holding an input is enough to fail closed.
    if (script.length > MAX_SCRIPT_LENGTH) return detection(input, TOO_COMPLEX);
    if (lexed === undefined) lexed = lexedScript(script);
    if (lexed.unterminated) return detection(input, UNTERMINATED);
    const safe = allSafe(needle);
    budget = BUDGET;
    let period = 0; // made when a second occurrence is looked for
    while (at !== -1) {
      if (budget < 0) return detection(input, TOO_COMPLEX);
      const finding = inspectSpan(lexed.tokens, script, at, at + needle.length, safe, WORDS);
      if (finding !== undefined) return detection(input, finding);
      if (period === 0) period = smallestPeriod(needle);
      at = nextOccurrence(haystack, needle, at, period);
    }
  }
  for (let d = 0; d < cuts.count; d++) {
    const input = inputs[cuts.input[d]!]!;
    const cut = judgeTruncated(script, input.value as string, cuts.probes[d]!, cuts.fold[d]);
    if (cut !== undefined) return detection(input, cut);
  }
  return undefined;
}

/** Inputs found nowhere whose prefixes are judged after the whole-input pass (reused arrays). */
const cuts = { count: 0, input: [] as number[], probes: [] as (ShellProbes | undefined)[], fold: [] as (CaselessForm | undefined)[] };

function deferCut(k: number, probes: ShellProbes, fold: CaselessForm | undefined): void {
  const d = cuts.count++;
  cuts.input[d] = k;
  cuts.probes[d] = probes;
  cuts.fold[d] = fold;
}

/**
 * For an input that occurs nowhere in the script, in any case: the prefixes of it that the
 * script holds, judged like occurrences (the app cut the input; docs/command-injection.md,
 * "Truncated input"). Only the prefixes truncated-prefix.ts finds: maximal, at least
 * MIN_PREFIX long, at a bounded number of places; as the value is, and lower-cased.
 */
function judgeTruncated(script: string, value: string, probes: ShellProbes, fold: CaselessForm | undefined): ShellFinding | undefined {
  if (probes.exact === null || !mayHoldHead(script, probes.exact)) return undefined;
  // `fold` is given when the input was looked for in the folded script: one search covers
  // both cases there, a prefix of the value in the script being a prefix of its lower-case
  // form in the folded script, at the same offsets.
  if (fold === undefined) return judgePrefixes(script, script, value, probes.exact);
  return judgePrefixes(script, scriptHasUpper(script) ? foldedScript(script) : script, fold.lower, probes.lower ?? probes.exact);
}

function judgePrefixes(script: string, haystack: string, needle: string, probe: TruncationProbe): ShellFinding | undefined {
  const count = findTruncatedPrefixes(haystack, needle, probe);
  if (spend(script.length) || count === 0) return budgetRanOut() ? TOO_COMPLEX : undefined;
  if (spend(prefixWork())) return TOO_COMPLEX;
  occurred = true;
  if (script.length > MAX_SCRIPT_LENGTH) return TOO_COMPLEX;
  const lexed = lexedScript(script);
  if (lexed.unterminated) return UNTERMINATED;
  for (let c = 0; c < count; c++) {
    const s = prefixStarts[c]!;
    const e = prefixEnds[c]!;
    // The script goes on with a backslash where the input goes on otherwise: that is the
    // app's escaping of the input's next character (`'\''` for a quote in single quotes,
    // `\"` `\$` in double quotes), a correctly quoted input, not a cut.
    if (script.charCodeAt(e) === 0x5c) continue;
    budget = BUDGET;
    const finding = inspectSpan(lexed.tokens, script, s, e, allSafe(script.slice(s, e)), WORDS);
    if (finding !== undefined) return finding;
  }
  return undefined;
}

/** Whether the last script asked about has upper-case ASCII letters, kept like the fold below. */
const lastUpper = { script: '', upper: false };

function scriptHasUpper(script: string): boolean {
  if (lastUpper.script !== script) {
    lastUpper.script = script;
    lastUpper.upper = hasAsciiUpper(script);
  }
  return lastUpper.upper;
}

/** The last script folded, kept: a call checks several inputs against the same script. */
const lastFold = { script: '', folded: '' };

function foldedScript(script: string): string {
  if (lastFold.script !== script) {
    lastFold.script = script;
    lastFold.folded = asciiLower(script);
  }
  return lastFold.folded;
}

function detection(input: UserInput, finding: ShellFinding): Detection {
  return { kind: 'command_injection', input, rule: finding.rule, reason: finding.reason };
}

/**
 * Judge one span [start, end) of a script as if it came from user input. Exposed for
 * tests (the differential test against a real shell parser judges exact spans).
 */
export function inspectShellSpan(script: string, start: number, end: number, lexed = lexShell(script)): ShellFinding | undefined {
  if (lexed.unterminated) return UNTERMINATED;
  budget = BUDGET;
  return inspectSpan(lexed.tokens, script, start, end, allSafe(script.slice(start, end)), WORDS);
}

/** Index of the first token with end > at (tokens are ordered and do not overlap). */
function firstTokenEndingAfter(tokens: readonly ShellToken[], at: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid].end > at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Same for word parts: keeps many occurrences in a word of many parts linear. */
function firstPartEndingAfter(parts: readonly WordPart[], at: number): number {
  let lo = 0;
  let hi = parts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (parts[mid].end > at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function better(a: ShellFinding | undefined, b: ShellFinding | undefined): ShellFinding | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return PRIORITY[b.rule] < PRIORITY[a.rule] ? b : a;
}

/** The span [s, e) within one token list (the script, or a substitution's inside). */
function inspectSpan(
  tokens: readonly ShellToken[],
  src: string,
  s: number,
  e: number,
  safe: boolean,
  orphan: ShellFinding,
): ShellFinding | undefined {
  const n = tokens.length;
  let first = firstTokenEndingAfter(tokens, s);
  if (first < n && tokens[first].start <= s && e <= tokens[first].end) return inspectToken(tokens[first], src, s, e, safe);

  // Blanks at the edges that fall between tokens are harmless when they only widen a gap
  // the app left; they add an argument boundary when they touch a word the app wrote.
  // (Blanks inside a token, e.g. in quotes, are content and are not trimmed.)
  let cs = s;
  let ce = e;
  if (first >= n || tokens[first].start > s) {
    const stop = first < n ? tokens[first].start : e;
    while (cs < ce && cs < stop && isBlank(src.charCodeAt(cs))) cs++;
  }
  const last = firstTokenEndingAfter(tokens, e - 1); // first token reaching e-1 or beyond
  if (last >= n || tokens[last].start >= e) {
    const stop = last > 0 ? tokens[last - 1].end : s;
    while (ce > cs && ce > stop && isBlank(src.charCodeAt(ce - 1))) ce--;
  }
  if (cs === ce) return undefined;
  if (cs > s && first > 0 && tokens[first - 1].end === s && tokens[first - 1].kind === 'word') return WORDS;
  if (ce < e && last < n && tokens[last].start === e && tokens[last].kind === 'word') return WORDS;

  first = firstTokenEndingAfter(tokens, cs);
  if (first >= n || tokens[first].start >= ce) return orphan; // nowhere to place it: fail closed
  const t = tokens[first];
  if (t.start <= cs && ce <= t.end) return inspectToken(t, src, cs, ce, safe);

  // The input covers more than one token (or a token and a gap): report the worst thing it does.
  let worst: ShellFinding | undefined = WORDS;
  for (let i = first; i < n && tokens[i].start < ce; i++) {
    budget--;
    const u = tokens[i];
    worst = better(worst, inspectToken(u, src, Math.max(cs, u.start), Math.min(ce, u.end), safe));
  }
  return worst;
}

function inspectToken(t: ShellToken, src: string, cs: number, ce: number, safe: boolean): ShellFinding | undefined {
  switch (t.kind) {
    case 'operator':
      return operatorFinding(src, t);
    case 'redirection':
      return REDIRECTION;
    case 'comment':
      return t.start >= cs ? COMMENT : undefined; // inside the app's own comment: inert
    case 'heredoc':
      if (cs >= t.contentStart && ce <= t.contentEnd) return inspectParts(t.parts, src, cs, ce, safe, false);
      return HEREDOC;
    default:
      return inspectWord(t, src, cs, ce, safe);
  }
}

function inspectWord(t: ShellToken, src: string, cs: number, ce: number, safe: boolean): ShellFinding | undefined {
  const found = inspectParts(t.parts, src, cs, ce, safe, true);
  if (found !== undefined) return found;
  // Choosing the program is code, not a value (`exec(input)` with input `reboot`).
  if (t.commandName && cs <= t.start && ce >= t.end) return COMMAND;
  return undefined;
}

/**
 * The parts of one word (or of a quoted string / here-document body) overlapping the span.
 * `unquoted` says whether literal characters are subject to the safe-character rule.
 */
function inspectParts(
  parts: readonly WordPart[],
  src: string,
  cs: number,
  ce: number,
  safe: boolean,
  unquoted: boolean,
): ShellFinding | undefined {
  // Keep the most severe finding: `*$(id)` is a substitution before it is a glob.
  let worst: ShellFinding | undefined;
  for (let i = firstPartEndingAfter(parts, cs); i < parts.length; i++) {
    const p = parts[i];
    if (p.start >= ce) break;
    budget--;
    // Which side(s) of this part the app wrote: a part may straddle the input's edges.
    const appLeft = p.start < cs;
    const appRight = p.end > ce;
    switch (p.kind) {
      case 'literal':
        if (unquoted && !safe) {
          const a = Math.max(cs, p.start);
          const b = Math.min(ce, p.end);
          for (let j = a; j < b; j++) {
            const c = src.charCodeAt(j);
            if (!isSafeWordChar(c)) {
              worst = better(worst, metaFinding(src[j]));
              break;
            }
          }
        }
        break;
      case 'escape':
        // An input ending in `\` escapes the app's next character: harmless for a plain
        // letter, a breakout for a quote, blank, `$` or operator.
        if (!appLeft && appRight && !(unquoted && isSafeWordChar(src.charCodeAt(p.start + 1)))) worst = better(worst, QUOTE);
        break;
      case 'single-quoted':
      case 'double-quoted':
      case 'ansi-c': {
        // Safe if the app wrote nothing but delimiters on the sides it wrote: the input
        // stays inside the string, or supplies whole strings (`'a'`) of its own.
        if (appLeft && appRight) {
          if (cs < p.contentStart || ce > p.contentEnd) worst = better(worst, QUOTE);
        } else if (appLeft) {
          if (cs > p.contentStart) worst = better(worst, QUOTE); // the input closes the app's string
        } else if (appRight && ce < p.contentEnd) {
          worst = better(worst, QUOTE); // the input opens a string the app's text continues
        }
        worst = better(worst, inspectParts(p.parts, src, cs, ce, safe, false));
        break;
      }
      case 'parameter':
      case 'arithmetic':
        worst = better(worst, EXPANSION);
        break;
      case 'command':
      case 'backtick':
      case 'process':
        // Inside the app's own substitution the input must obey the rules of that script.
        if (appLeft && appRight && cs >= p.contentStart && ce <= p.contentEnd) {
          return inspectSpan(p.tokens, src, cs, ce, safe, SUBSTITUTION); // the only part touched
        }
        worst = better(worst, SUBSTITUTION);
        break;
      default: // glob, brace, tilde
        worst = better(worst, globFinding(src, p));
    }
  }
  return worst;
}
