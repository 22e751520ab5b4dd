// Property tests (fast-check, seeded): the tokenizers are total and linear, and the detector
// separates escaped from unescaped values.

import t from 'tap';
import fc from 'fast-check';
import { detectSqlInjection, tokenizeSql } from '../../../src/detect/sql';
import type { SqlDialect } from '../../../src/detect/sql';
import { DIALECTS, escapeLiteral, input } from './fixtures/helpers';

const SEED = 20240601;

/** Any UTF-16 code unit, lone surrogates included (fc's string units only make valid pairs). */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/** Characters and fragments that mean something to one of the three lexers. */
const sqlPiece = fc.constantFrom(
  "'", '"', '`', '[', ']', '\\', '$', '$$', '$a$', '-', '--', '-- ', '#', '/*', '*/', '/*!', '/*!50000',
  '/*M!', "E'", "X'", "B'", "N'", "U&'", 'U&"', '_utf8', '@', '@@', '?', ':', '::', ';', '(', ')', ',', '.',
  '0x', '1', '1.5e', '_', ' ', '\n', '\r', '\t', 'a', 'SELECT', '\uD800', '\uDFFF', '\u00e9', '\u0130',
);
const sqlish = fc.array(fc.oneof(sqlPiece, anyCodeUnit), { maxLength: 60 }).map((parts) => parts.join(''));
const anything = fc.oneof(fc.string({ unit: anyCodeUnit, maxLength: 80 }), sqlish);

const WS = new Set([' ', '\t', '\n', '\v', '\f', '\r']);

t.test('tokenizers are total and tokens tile the query', async (t) => {
  for (const dialect of DIALECTS) {
    fc.assert(
      fc.property(anything, (q) => {
        const tokens = tokenizeSql(q, dialect);
        let pos = 0;
        for (const tok of tokens) {
          if (tok.start < pos || tok.end <= tok.start || tok.end > q.length) return false;
          for (let i = pos; i < tok.start; i++) if (!WS.has(q[i])) return false; // only spaces between
          if (tok.text !== q.slice(tok.start, tok.end)) return false;
          // Unterminated runs to the end, except MySQL's /*! opener and tokens cut by a NUL.
          const cutShort = tok.kind === 'executable-comment' || tok.text.includes('\0');
          if (tok.unterminated && !cutShort && tok.end !== q.length) return false;
          pos = tok.end;
        }
        for (let i = pos; i < q.length; i++) if (!WS.has(q[i])) return false;
        return true;
      }),
      { seed: SEED, numRuns: 500 },
    );
    t.pass(`${dialect}: 500 arbitrary strings`);
  }
});

t.test('the detector is total', async (t) => {
  for (const dialect of DIALECTS) {
    fc.assert(
      fc.property(anything, fc.nat(), fc.nat(), anything, (q, a, b, other) => {
        const from = q.length ? a % q.length : 0;
        const to = from + (q.length ? b % (q.length - from + 1) : 0);
        const found = detectSqlInjection(q, [input(q.slice(from, to)), input(other), input(q)], dialect);
        return found === undefined || (found.kind === 'sql_injection' && found.rule.startsWith('sqli.'));
      }),
      { seed: SEED, numRuns: 500 },
    );
    t.pass(`${dialect}: 500 queries with inputs cut from them`);
  }
});

t.test('tokenizing stays linear on adversarial inputs', async (t) => {
  // Each pattern, repeated, hits one scanner's worst case: unclosed quotes and comments,
  // re-scanned operator runs (`+-`), line comments ended by \r, dollar tags, continuations.
  const MB = 1 << 20;
  const big = ["'", '"', '--', '/*'];
  const more = ['+-', '`', '*/', '/*!', '$$', '$a', '$a$', "\\'", "E'\\", '[', "'a'\n", '--\r', '1.', '@', '((', '$1a', "'a' \n"];
  for (const dialect of DIALECTS) {
    let worst = 0;
    let worstPattern = '';
    for (const [p, size] of [...big.map((p) => [p, MB] as const), ...more.map((p) => [p, MB / 4] as const)]) {
      const q = p.repeat(Math.ceil(size / p.length));
      const started = process.hrtime.bigint();
      tokenizeSql(q, dialect);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (ms > worst) [worst, worstPattern] = [ms, p];
    }
    // Linear work takes milliseconds to a few hundred (a million token objects); a quadratic
    // scanner would take hours on these sizes. The bound is generous for loaded CI machines.
    t.ok(worst < 5000, `${dialect}: slowest pattern ${JSON.stringify(worstPattern)} took ${worst.toFixed(0)} ms`);
  }
});

t.test('judging many overlapping occurrences stays linear', async (t) => {
  const list = '1,'.repeat(100_000) + '1';
  const q = `SELECT * FROM t WHERE id IN (${list})`;
  const started = process.hrtime.bigint();
  const found = detectSqlInjection(q, [input('1,'.repeat(200) + '1')], 'postgres');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.equal(found, undefined, 'a number list inside a number list is safe');
  t.ok(ms < 5000, `100k overlapping occurrences judged in ${ms.toFixed(0)} ms`);
});

/** Characters for values: quotes, backslashes, SQL punctuation, letters, non-ASCII. */
function valueArb(alphabet: readonly string[]) {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: 24 });
}
const RICH = ["'", '"', '\\', '-', '/', '*', '#', ';', '$', '(', ')', ',', '=', ' ', '\n', 'a', 'B', 'o', 'r', '1', '0', 'é', '東', '\uD83D'];

const TEMPLATE_HEAD = 'SELECT * FROM users WHERE name = ';
const TEMPLATE_TAIL = ' AND id = 7';

/** Whether every case-insensitive occurrence of `value` lies within query[from, to). */
function onlyInside(query: string, value: string, from: number, to: number): boolean {
  const q = query.toLowerCase();
  const v = value.toLowerCase();
  if (q.length !== query.length || v.length !== value.length) return false;
  for (let at = q.indexOf(v); at !== -1; at = q.indexOf(v, at + 1)) {
    if (at < from || at + v.length > to) return false;
  }
  return true;
}

t.test('escaped values in a string literal are never reported', async (t) => {
  for (const dialect of DIALECTS) {
    let checked = 0;
    fc.assert(
      fc.property(valueArb(RICH), (value) => {
        const body = escapeLiteral(value, dialect);
        const query = `${TEMPLATE_HEAD}'${body}'${TEMPLATE_TAIL}`;
        const from = TEMPLATE_HEAD.length + 1;
        // Substring matching cannot tell the input from template text that happens to equal
        // it; such coincidences are outside this property.
        fc.pre(onlyInside(query, value, from, from + body.length));
        checked++;
        return detectSqlInjection(query, [input(value)], dialect) === undefined;
      }),
      { seed: SEED, numRuns: 400 },
    );
    t.ok(checked > 200, `${dialect}: ${checked} escaped values, none reported`);
  }
});

t.test('unescaped values are reported exactly when they hold a quote', async (t) => {
  // No backslash (MySQL escapes with it) and no newline (PostgreSQL joins 'a'\n'b'); quotes
  // never adjacent, so a quote in the value always ends the literal.
  const alphabet = RICH.filter((c) => c !== '\\' && c !== '\n' && c !== "'");
  const valueWithQuotes = fc
    .tuple(valueArb(alphabet), fc.array(fc.nat(), { maxLength: 3 }))
    .map(([base, cuts]) => {
      let out = base;
      for (const cut of cuts) {
        const at = cut % (out.length + 1);
        if (out[at - 1] === "'" || out[at] === "'") continue;
        out = out.slice(0, at) + "'" + out.slice(at);
      }
      return out;
    });
  for (const dialect of DIALECTS) {
    let withQuote = 0;
    let without = 0;
    fc.assert(
      fc.property(valueWithQuotes, (value) => {
        const query = `${TEMPLATE_HEAD}'${value}'${TEMPLATE_TAIL}`;
        const from = TEMPLATE_HEAD.length + 1;
        const hasQuote = value.includes("'");
        if (!hasQuote) fc.pre(onlyInside(query, value, from, from + value.length));
        if (hasQuote) withQuote++;
        else without++;
        return (detectSqlInjection(query, [input(value)], dialect) !== undefined) === hasQuote;
      }),
      { seed: SEED, numRuns: 400 },
    );
    t.ok(withQuote > 50 && without > 50, `${dialect}: ${withQuote} with a quote reported, ${without} without passed`);
  }
});

t.test('numbers in a numeric slot pass, numbers followed by code do not', async (t) => {
  const number = fc.oneof(fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String));
  const code = fc.constantFrom(' OR 1=1', '; DROP TABLE t', ' UNION SELECT 1', '-- ', ')', ' AND sleep(5)');
  for (const dialect of DIALECTS as readonly SqlDialect[]) {
    fc.assert(
      fc.property(number, code, (n, tail) => {
        const ok = detectSqlInjection(`SELECT * FROM t WHERE v = ${n} LIMIT 5`, [input(n)], dialect) === undefined;
        const bad = detectSqlInjection(`SELECT * FROM t WHERE v = ${n}${tail} LIMIT 5`, [input(n + tail)], dialect) !== undefined;
        return ok && bad;
      }),
      { seed: SEED, numRuns: 300 },
    );
    t.pass(`${dialect}: numeric slot`);
  }
});
