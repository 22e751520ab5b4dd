'use strict';
// Ground truth for shell scripts from a real POSIX shell parser (mvdan/sh via sh-syntax).
// Nothing is executed.
//
// A template is `PREFIX SLOT SUFFIX` (`grep -c <slot> /srv/data.txt`). The input stays in
// its slot iff the script is still one simple command whose slot word is made only of
// literal and quoted text:
//   1. the rendered script parses, is one statement and has no redirection;
//   2. the "probe" script PREFIX `> ` SLOT SUFFIX parses to one statement whose only
//      redirection is that `>` and whose target word spans exactly the slot text. A word
//      after `> ` is lexed like an argument word, and sh-syntax exposes the parts of
//      redirection words (but not of arguments), so this shows, with the parser's own
//      word boundaries, that the slot is one word, that nothing after it was swallowed
//      (a comment, an operator) and that no pipe or list was formed (the redirection
//      would then sit inside a nested command, not on the statement);
//   3. every part of that word is literal: single-quoted, double-quoted without `$` or
//      backquote expansions inside, or unquoted text without expansions, glob characters
//      (`*`, `?`, `[...]`: pathname expansion can turn one word into many) or a leading
//      `~` (tilde expansion). Part types are read from each part's first characters,
//      since sh-syntax 0.7 reports part positions but not their types.

const parser = require('./sh-parser');

/** Byte offsets: sh-syntax reports positions in UTF-8 bytes. */
function byteLen(s) {
  return Buffer.byteLength(s, 'utf8');
}

const EXPANSION_START = /^\$[A-Za-z_{(0-9@*#?$!-]/;

/** Does double-quoted text (without its quotes) hold an unescaped `$…` expansion or a backquote? */
function dqExpands(inner) {
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '`') return true;
    if (c === '$' && EXPANSION_START.test(inner.slice(i, i + 2))) return true;
  }
  return false;
}

/**
 * Why an unquoted literal part is not plain text, or undefined. `state.bracket` carries an
 * unquoted `[` over to later parts: `["a","b"]` is a bracket expression even though its
 * middle is quoted.
 */
function litProblem(text, first, state) {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '`' || (c === '$' && EXPANSION_START.test(text.slice(i, i + 2)))) return 'expansion';
    if (c === '*' || c === '?') return 'glob';
    if (c === '[') state.bracket = true;
    if (c === ']' && state.bracket) return 'glob';
    if (c === '~' && i === 0 && first) return 'tilde expansion';
  }
  return undefined;
}

function partProblem(text, first, state) {
  if (text.startsWith("'")) return undefined;
  if (text.startsWith('"')) return dqExpands(text.slice(1, -1)) ? 'expansion inside double quotes' : undefined;
  if (text.startsWith('`')) return 'command substitution';
  if (text.startsWith('$(')) return text.startsWith('$((') ? 'arithmetic expansion' : 'command substitution';
  if (text.startsWith('${') || EXPANSION_START.test(text.slice(0, 2))) return 'parameter expansion';
  if (text.startsWith("$'") || text.startsWith('$"')) return 'quoting the shell does not define (POSIX)';
  return litProblem(text, first, state);
}

/**
 * { attack, reason } for a shell template. `parts` = { prefix, slot, suffix } of the
 * rendered script (slot includes the template's own quotes).
 */
async function shellVerdict({ prefix, slot, suffix }) {
  const script = prefix + slot + suffix;
  let file;
  try {
    file = await parser.parse(script);
  } catch (e) {
    return { attack: true, reason: `sh: does not parse (${String(e.message).slice(0, 50)})` };
  }
  if (file.Stmts.length !== 1) return { attack: true, reason: `sh: ${file.Stmts.length} commands` };
  const stmt = file.Stmts[0];
  if (stmt.Redirs.length) return { attack: true, reason: 'sh: adds a redirection' };
  if (stmt.Background || stmt.Negated || stmt.Coprocess) return { attack: true, reason: 'sh: changes how the command runs (&, !)' };

  const probePrefix = `${prefix}> `;
  const probe = probePrefix + slot + suffix;
  let pf;
  try {
    pf = await parser.parse(probe);
  } catch (e) {
    return { attack: true, reason: `sh: slot is not a word (${String(e.message).slice(0, 50)})` };
  }
  if (pf.Stmts.length !== 1 || pf.Stmts[0].Redirs.length !== 1 || pf.Stmts[0].Redirs[0].Op !== '>') {
    return { attack: true, reason: 'sh: the input splits the command (pipe, list or redirection)' };
  }
  const word = pf.Stmts[0].Redirs[0].Word;
  // The slot text, without blanks around it, must be exactly the word.
  const lead = slot.length - slot.replace(/^[ \t]+/, '').length;
  const trail = slot.length - slot.replace(/[ \t]+$/, '').length;
  const start = byteLen(probePrefix) + byteLen(slot.slice(0, lead));
  const end = byteLen(probePrefix) + byteLen(slot.slice(0, slot.length - trail));
  if (word.Pos.Offset !== start || word.End.Offset !== end) return { attack: true, reason: 'sh: the input spans several words or ends the command' };
  if (pf.Stmts[0].End.Offset !== byteLen(probe.replace(/[ \t\n]+$/, ''))) return { attack: true, reason: 'sh: the input hides the rest of the command' };

  const bytes = Buffer.from(probe, 'utf8');
  const state = { bracket: false };
  for (let i = 0; i < word.Parts.length; i++) {
    const p = word.Parts[i];
    const text = bytes.subarray(p.Pos.Offset, p.End.Offset).toString('utf8');
    const problem = partProblem(text, i === 0, state);
    if (problem) return { attack: true, reason: `sh: ${problem}` };
  }
  return { attack: false, reason: 'sh: one literal word' };
}

module.exports = { shellVerdict, init: () => parser.init(), mode: () => parser.mode(), fast: () => parser.fast() };
