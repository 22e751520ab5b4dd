#!/usr/bin/env node
// Lists every regular expression in rampart's TypeScript sources (regex literals and
// `new RegExp(...)` / `RegExp(...)` calls) and flags the shapes that can backtrack
// catastrophically on untrusted data. A static heuristic, on purpose simple and
// conservative:
//   - nested quantifiers (star height > 1): `(a+)+`, `(\d*)*`, `(a{1,3})+`, `(.*a){5}`;
//   - an alternation under an unbounded quantifier whose branches can start with the same
//     character, or can match nothing: `(a|ab)*`, `(\w|_)+`, `(a|)*`;
//   - a pattern built at run time (`new RegExp(variable)`): it cannot be checked here.
// A flagged pattern fails the check (exit 1) unless ALLOWLIST below names it with a reason.
// Lexing limits: a regex literal directly after `)` or `]` (`if (x) /re/.test(s)`) is read
// as a division, as in most code it is; write such a test on its own line or with RegExp.
//
// Usage: node scripts/check-regex.js [dir-or-file ...]   (default: src)
//        --quiet  prints only flagged patterns
'use strict';
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

/**
 * Patterns accepted although flagged, each with the reason it is safe. `file` is relative
 * to the repository root, `pattern` the source between the slashes (or the string passed
 * to RegExp). Keep this list short; prefer rewriting the pattern or a hand-written scanner.
 */
const ALLOWLIST = [
  // { file: 'src/example.ts', pattern: '(?:a|b)+', reason: 'runs on configuration only, never on request data' },
  {
    file: 'src/config/validate.ts',
    pattern: '(`^(?:${text})',
    reason: "the operator's own allow.values pattern (configuration); it runs only on input values of at most 256 characters, and docs/configuration.md states the risk of a slow pattern",
  },
  {
    file: 'src/bundlers/esbuild.ts',
    pattern: '(`^(?:${externalPackages()',
    reason: "an alternation of rampart's own escaped package names, handed to esbuild as an onResolve filter (Go's linear-time regexp) over import paths at build time; it never runs in the app",
  },
];

const ROOT = join(__dirname, '..');

// ---------------------------------------------------------------------------------------
// Finding regexes in TypeScript source: a small lexer that knows strings, template
// literals (with nested `${}`), comments, and when a `/` starts a regex literal.

const REGEX_AFTER_WORDS = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]);

function isIdentChar(c) {
  return /[A-Za-z0-9_$]/.test(c) || c > '\u007f';
}

/** Every regex in `text`: `{ line, pattern, flags, dynamic, via }`. */
function findRegexes(text) {
  const out = [];
  let i = 0;
  let line = 1;
  // Previous significant token: 'word:<w>', 'num', 'punct:<c>', or '' at the start.
  let prev = '';
  // Brace depth at which each open template literal's `${` started.
  const templateStack = [];
  let braceDepth = 0;

  const regexAllowed = () => {
    if (prev === '') return true;
    if (prev === 'num' || prev === 'str') return false;
    if (prev.startsWith('word:')) return REGEX_AFTER_WORDS.has(prev.slice(5));
    const c = prev.slice(6);
    return c !== ')' && c !== ']';
  };

  const skipString = (quote) => {
    i++;
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') i++;
      else if (text[i] === '\n') line++;
      i++;
    }
    i++;
  };

  // Scans template text from i (just after ` or a closing `}`) to the end or the next `${`.
  const scanTemplate = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '\n') line++;
      if (c === '`') {
        i++;
        prev = 'str';
        return;
      }
      if (c === '$' && text[i + 1] === '{') {
        i += 2;
        templateStack.push(braceDepth);
        braceDepth++;
        prev = 'punct:{';
        return;
      }
      i++;
    }
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (let k = i; k < stop; k++) if (text[k] === '\n') line++;
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      skipString(c);
      const literal = text.slice(start, i);
      // `new RegExp('...')` / `RegExp("...")`: the string is the pattern.
      const before = text.slice(Math.max(0, start - 40), start);
      const call = /(?:new\s+)?RegExp\s*\(\s*$/.exec(before);
      if (call) out.push({ line, pattern: unquote(literal), flags: stringFlags(text, i), dynamic: false, via: 'RegExp' });
      prev = 'str';
      continue;
    }
    if (c === '`') {
      i++;
      scanTemplate();
      continue;
    }
    if (c === '{') {
      braceDepth++;
      prev = 'punct:{';
      i++;
      continue;
    }
    if (c === '}') {
      braceDepth--;
      i++;
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === braceDepth) {
        templateStack.pop();
        scanTemplate();
      } else {
        prev = 'punct:}';
      }
      continue;
    }
    if (c === '/' && regexAllowed()) {
      const lit = readRegexLiteral(text, i);
      if (lit !== undefined) {
        out.push({ line, pattern: lit.pattern, flags: lit.flags, dynamic: false, via: 'literal' });
        i = lit.end;
        prev = 'str';
        continue;
      }
    }
    if (isIdentChar(c)) {
      const start = i;
      while (i < text.length && isIdentChar(text[i])) i++;
      const word = text.slice(start, i);
      prev = /^[0-9]/.test(word) ? 'num' : `word:${word}`;
      if (word === 'RegExp') {
        // A call whose first argument is not a string literal builds its pattern at run time.
        const rest = /^\s*\(\s*([^\s)])/.exec(text.slice(i, i + 200));
        if (rest && rest[1] !== '"' && rest[1] !== "'") {
          const argEnd = text.indexOf(')', i);
          out.push({ line, pattern: text.slice(i, argEnd === -1 ? i + 40 : argEnd + 1).trim(), flags: '', dynamic: true, via: 'RegExp' });
        }
      }
      continue;
    }
    prev = `punct:${c}`;
    i++;
  }
  return out;
}

/** A regex literal starting at `start` (a `/`), or undefined if none ends on this line. */
function readRegexLiteral(text, start) {
  let i = start + 1;
  let inClass = false;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') return undefined;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) break;
    i++;
  }
  if (i >= text.length || i === start + 1) return undefined;
  const pattern = text.slice(start + 1, i);
  i++;
  const flagStart = i;
  while (i < text.length && /[a-z]/.test(text[i])) i++;
  return { pattern, flags: text.slice(flagStart, i), end: i };
}

function unquote(literal) {
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && i + 1 < body.length) {
      const n = body[++i];
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
    } else {
      out += body[i];
    }
  }
  return out;
}

/** Flags passed as the second argument of RegExp('...', 'gi'), if a string literal. */
function stringFlags(text, afterPattern) {
  const m = /^\s*,\s*(['"])([a-z]*)\1/.exec(text.slice(afterPattern, afterPattern + 20));
  return m ? m[2] : '';
}

// ---------------------------------------------------------------------------------------
// A small regex parser, enough for the heuristics: sequences, alternations, groups,
// quantifiers, and the set of characters each part can start with (ASCII bitmap plus a
// "some non-ASCII character" bit).

const INF = Infinity;

class CharSet {
  constructor() {
    this.bits = new Uint8Array(128);
    this.nonAscii = false;
  }
  static all() {
    const s = new CharSet();
    s.bits.fill(1);
    s.nonAscii = true;
    return s;
  }
  add(code) {
    if (code < 128) this.bits[code] = 1;
    else this.nonAscii = true;
  }
  addRange(lo, hi) {
    for (let c = lo; c <= hi && c < 128; c++) this.bits[c] = 1;
    if (hi >= 128) this.nonAscii = true;
  }
  union(other) {
    for (let c = 0; c < 128; c++) if (other.bits[c]) this.bits[c] = 1;
    this.nonAscii ||= other.nonAscii;
    return this;
  }
  complement() {
    const s = new CharSet();
    for (let c = 0; c < 128; c++) s.bits[c] = this.bits[c] ? 0 : 1;
    s.nonAscii = true; // a negated set almost always admits some non-ASCII character
    return s;
  }
  foldCase() {
    for (let c = 65; c <= 90; c++) if (this.bits[c] || this.bits[c + 32]) this.bits[c] = this.bits[c + 32] = 1;
    return this;
  }
  intersects(other) {
    if (this.nonAscii && other.nonAscii) return true;
    for (let c = 0; c < 128; c++) if (this.bits[c] && other.bits[c]) return true;
    return false;
  }
}

function classEscape(ch) {
  const s = new CharSet();
  const lower = ch.toLowerCase();
  if (lower === 'd') s.addRange(48, 57);
  else if (lower === 'w') {
    s.addRange(48, 57);
    s.addRange(65, 90);
    s.addRange(97, 122);
    s.add(95);
  } else if (lower === 's') {
    for (const c of [9, 10, 11, 12, 13, 32]) s.add(c);
    s.nonAscii = true;
  } else {
    return undefined;
  }
  return ch === lower ? s : s.complement();
}

function escapedChar(ch) {
  const map = { n: 10, t: 9, r: 13, f: 12, v: 11, 0: 0 };
  return ch in map ? map[ch] : ch.charCodeAt(0);
}

/**
 * Parses `pattern` into nodes:
 *   { type: 'alt', branches: node[] } | { type: 'seq', items: node[] }
 *   { type: 'quant', node, min, max } | { type: 'group', node }
 *   { type: 'set', set: CharSet }     | { type: 'empty' } (anchors, lookarounds, backrefs)
 */
function parseRegex(pattern, flags) {
  let i = 0;
  const fold = flags.includes('i');

  function parseAlt() {
    const branches = [parseSeq()];
    while (pattern[i] === '|') {
      i++;
      branches.push(parseSeq());
    }
    return branches.length === 1 ? branches[0] : { type: 'alt', branches };
  }

  function parseSeq() {
    const items = [];
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') {
      let atom = parseAtom();
      atom = parseQuantifier(atom);
      items.push(atom);
    }
    return { type: 'seq', items };
  }

  function parseQuantifier(atom) {
    for (;;) {
      const c = pattern[i];
      let min;
      let max;
      if (c === '*') [min, max] = [0, INF];
      else if (c === '+') [min, max] = [1, INF];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
        if (!m) return atom;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? INF : Number(m[3]);
        i += m[0].length - 1;
      } else return atom;
      i++;
      if (pattern[i] === '?') i++; // lazy: same backtracking space
      atom = { type: 'quant', node: atom, min, max };
    }
  }

  function parseAtom() {
    const c = pattern[i];
    if (c === '(') {
      i++;
      let lookaround = false;
      if (pattern[i] === '?') {
        const m = /^\?(:|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(pattern.slice(i));
        if (m) {
          // `(?:` and named groups `(?<name>` capture text; the rest are zero-width lookarounds.
          lookaround = m[1] === '=' || m[1] === '!' || m[1] === '<=' || m[1] === '<!';
          i += m[0].length;
        }
      }
      const inner = parseAlt();
      if (pattern[i] === ')') i++;
      return lookaround ? { type: 'look', node: inner } : { type: 'group', node: inner };
    }
    if (c === '[') return parseClass();
    if (c === '.') {
      i++;
      return { type: 'set', set: CharSet.all() };
    }
    if (c === '^' || c === '$') {
      i++;
      return { type: 'empty' };
    }
    if (c === '\\') {
      const n = pattern[i + 1];
      i += 2;
      if (n === undefined) return { type: 'empty' };
      const cls = classEscape(n);
      if (cls) return { type: 'set', set: cls };
      if (n === 'b' || n === 'B') return { type: 'empty' };
      if (/[1-9]/.test(n)) {
        while (/[0-9]/.test(pattern[i] ?? '')) i++;
        return { type: 'backref' };
      }
      if (n === 'k' && pattern[i] === '<') {
        i = pattern.indexOf('>', i) + 1 || pattern.length;
        return { type: 'backref' };
      }
      if (n === 'p' || n === 'P') {
        if (pattern[i] === '{') i = pattern.indexOf('}', i) + 1 || pattern.length;
        return { type: 'set', set: CharSet.all() };
      }
      if (n === 'x') {
        const code = parseInt(pattern.slice(i, i + 2), 16);
        i += 2;
        return single(code);
      }
      if (n === 'u') {
        let code;
        if (pattern[i] === '{') {
          const end = pattern.indexOf('}', i);
          code = parseInt(pattern.slice(i + 1, end), 16);
          i = end + 1;
        } else {
          code = parseInt(pattern.slice(i, i + 4), 16);
          i += 4;
        }
        return single(code);
      }
      return single(escapedChar(n));
    }
    i++;
    return single(c.codePointAt(0));
  }

  function single(code) {
    const s = new CharSet();
    s.add(Number.isNaN(code) ? 0 : code);
    if (fold) s.foldCase();
    return { type: 'set', set: s };
  }

  function parseClass() {
    i++;
    let negated = false;
    if (pattern[i] === '^') {
      negated = true;
      i++;
    }
    const s = new CharSet();
    let first = true;
    while (i < pattern.length && (pattern[i] !== ']' || first)) {
      first = false;
      let lo;
      if (pattern[i] === '\\') {
        const n = pattern[i + 1];
        i += 2;
        const cls = classEscape(n ?? '');
        if (cls) {
          s.union(cls);
          continue;
        }
        if (n === 'p' || n === 'P') {
          if (pattern[i] === '{') i = pattern.indexOf('}', i) + 1 || pattern.length;
          s.union(CharSet.all());
          continue;
        }
        if (n === 'x') {
          lo = parseInt(pattern.slice(i, i + 2), 16);
          i += 2;
        } else if (n === 'u') {
          lo = parseInt(pattern.slice(i, i + 4), 16);
          i += 4;
        } else lo = escapedChar(n ?? '\\');
      } else {
        lo = pattern.codePointAt(i);
        i += lo > 0xffff ? 2 : 1;
      }
      if (pattern[i] === '-' && pattern[i + 1] !== ']' && i + 1 < pattern.length) {
        i++;
        let hi;
        if (pattern[i] === '\\') {
          hi = escapedChar(pattern[i + 1] ?? '\\');
          i += 2;
        } else {
          hi = pattern.codePointAt(i);
          i += hi > 0xffff ? 2 : 1;
        }
        s.addRange(lo, hi);
      } else {
        s.add(lo);
      }
    }
    i++; // ]
    if (fold) s.foldCase();
    return { type: 'set', set: negated ? s.complement() : s };
  }

  const tree = parseAlt();
  if (i < pattern.length) {
    // An unbalanced ')': parse the rest too, so nothing is skipped.
    i++;
    return { type: 'seq', items: [tree, parseRegex(pattern.slice(i), flags)] };
  }
  return tree;
}

// ---------------------------------------------------------------------------------------
// Heuristics over the tree.

/** Can `node` match the empty string? */
function nullable(node) {
  switch (node.type) {
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.branches.some(nullable);
    case 'quant':
      return node.min === 0 || nullable(node.node);
    case 'group':
      return nullable(node.node);
    case 'set':
      return false;
    default:
      return true; // empty, lookaround, backreference
  }
}

/** Characters `node` can start with. */
function firstSet(node) {
  switch (node.type) {
    case 'set':
      return node.set;
    case 'group':
      return firstSet(node.node);
    case 'quant':
      return node.max === 0 ? new CharSet() : firstSet(node.node);
    case 'alt':
      return node.branches.reduce((acc, b) => acc.union(firstSet(b)), new CharSet());
    case 'seq': {
      const acc = new CharSet();
      for (const item of node.items) {
        acc.union(firstSet(item));
        if (!nullable(item)) break;
      }
      return acc;
    }
    case 'backref':
      return CharSet.all();
    default:
      return new CharSet();
  }
}

/** Whether some quantifier inside `node` satisfies `test`. */
function hasQuantifier(node, test) {
  switch (node.type) {
    case 'quant':
      return test(node) || hasQuantifier(node.node, test);
    case 'group':
    case 'look':
      return hasQuantifier(node.node, test);
    case 'seq':
      return node.items.some((n) => hasQuantifier(n, test));
    case 'alt':
      return node.branches.some((n) => hasQuantifier(n, test));
    default:
      return false;
  }
}

/** Reasons `tree` may backtrack catastrophically; empty when none is seen. */
function problems(tree) {
  const found = [];
  const visit = (node) => {
    if (node.type === 'quant') {
      const inner = node.node;
      const variable = (q) => q.min !== q.max;
      if (node.max === INF && hasQuantifier(inner, variable)) {
        found.push('nested quantifier: an unbounded repetition of a part that itself varies in length (star height > 1)');
      } else if (node.max > 1 && hasQuantifier(inner, (q) => q.max === INF)) {
        found.push('nested quantifier: a repeated part containing an unbounded repetition, like (.*a){n}');
      }
      if (node.max > 1) {
        const alt = unwrapGroup(inner);
        if (alt.type === 'alt') {
          if (alt.branches.some(nullable)) found.push('alternation under a quantifier with a branch that matches nothing');
          else {
            const sets = alt.branches.map(firstSet);
            outer: for (let a = 0; a < sets.length; a++) {
              for (let b = a + 1; b < sets.length; b++) {
                if (sets[a].intersects(sets[b])) {
                  found.push('overlapping alternation under a quantifier: two branches can start with the same character');
                  break outer;
                }
              }
            }
          }
        }
      }
      if (node.max === INF && nullable(inner) && inner.type !== 'set') found.push('unbounded repetition of a part that can match nothing');
    }
    for (const child of children(node)) visit(child);
  };
  visit(tree);
  return [...new Set(found)];
}

function unwrapGroup(node) {
  while (node.type === 'group' || (node.type === 'seq' && node.items.length === 1)) node = node.type === 'group' ? node.node : node.items[0];
  return node;
}

function children(node) {
  switch (node.type) {
    case 'seq':
      return node.items;
    case 'alt':
      return node.branches;
    case 'quant':
    case 'group':
    case 'look':
      return [node.node];
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------

function listTs(path) {
  const stat = statSync(path);
  if (stat.isFile()) return /\.(ts|mts|cts)$/.test(path) && !path.endsWith('.d.ts') ? [path] : [];
  const out = [];
  for (const entry of readdirSync(path).sort()) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    out.push(...listTs(join(path, entry)));
  }
  return out;
}

/** Analyses every TypeScript file under `paths`; returns each regex with its problems. */
function check(paths) {
  const results = [];
  for (const file of paths.flatMap(listTs)) {
    const rel = relative(ROOT, file);
    for (const found of findRegexes(readFileSync(file, 'utf8'))) {
      let reasons;
      if (found.dynamic) reasons = ['pattern built at run time: it cannot be checked statically'];
      else {
        try {
          reasons = problems(parseRegex(found.pattern, found.flags));
        } catch (error) {
          reasons = [`could not be analysed (${error.message})`];
        }
      }
      const allowed = ALLOWLIST.find((a) => a.file === rel && a.pattern === found.pattern);
      results.push({ file: rel, ...found, reasons, allowed: allowed?.reason });
    }
  }
  return results;
}

function main(argv) {
  const quiet = argv.includes('--quiet');
  const args = argv.filter((a) => a !== '--quiet');
  const paths = (args.length > 0 ? args : ['src']).map((p) => join(process.cwd(), p));
  const results = check(paths);
  let failed = 0;
  for (const r of results) {
    const where = `${r.file}:${r.line}`;
    const shown = r.via === 'literal' ? `/${r.pattern}/${r.flags}` : `RegExp(${JSON.stringify(r.pattern)})`;
    if (r.reasons.length === 0) {
      if (!quiet) console.log(`ok       ${where}  ${shown}`);
    } else if (r.allowed !== undefined) {
      if (!quiet) console.log(`allowed  ${where}  ${shown}  (${r.allowed})`);
    } else {
      failed++;
      console.log(`FLAGGED  ${where}  ${shown}`);
      for (const reason of r.reasons) console.log(`           - ${reason}`);
    }
  }
  console.log(`${results.length} regular expressions checked, ${failed} flagged`);
  return failed === 0 ? 0 : 1;
}

module.exports = { findRegexes, parseRegex, problems, check };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
