// The quick "nowhere in the query" (absent-head.ts) rules inputs out before their forms are
// made: it must never rule out an input that one of its forms, or a followed prefix of one,
// is in the query; and the detector still finds attacks among thousands of inputs ruled out.
import t from 'tap';
import { headAbsentFrom, queryCharsNoted } from '../../../src/detect/sql/absent-head';
import { formsOf } from '../../../src/detect/sql/input-forms';
import { foldCase } from '../../../src/detect/sql/fold';
import { MIN_PREFIX } from '../../../src/detect/truncated-prefix';
import { detectSqlInjection } from '../../../src/detect/sql';
import type { UserInput } from '../../../src/detect/types';

// Characters each transformation treats specially: blanks (trim), `<` `>` (strip), quotes and
// backslashes (escaping), non-ASCII that NFKC or case folding changes or composes with the
// ASCII before it (U+0338 makes `=` into `≠`, U+0301 makes `e` into `é`).
const ALPHABET = [
  ...'abcXYZ019=-;()/.,:@#%&*+|_"`',
  ' ', '\t', '\n', '<', '>', "'", '\\',
  'é', 'ß', 'İ', 'ı', 'ſ', '\u212A', '\uFF07', '\uFF1D', '\u0338', '\u0301', '\u00A0', 'ﬁ',
];

/** A small deterministic generator, so a failure names the same value on every run. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomValue(next: () => number): string {
  const length = 1 + Math.floor(next() * 14);
  let value = '';
  for (let i = 0; i < length; i++) value += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return value;
}

/** Texts a query may hold of `value`: each form whole, and each form's shortest followed prefix. */
function heldTexts(value: string): string[] {
  const input: UserInput = { source: 'body', path: 'v', value };
  const texts: string[] = [];
  for (const form of formsOf([input], 0, input, value)) {
    let lead = 0;
    while (lead < form.needle.length && (form.needle[lead] === ' ' || form.needle[lead] === '\t')) lead++;
    texts.push(form.text, form.needle, form.needle.slice(lead, lead + MIN_PREFIX));
  }
  return texts;
}

t.test('never rules out an input whose form or prefix the query holds, in any case', async (t) => {
  const next = generator(21);
  let checked = 0;
  let ruledOut = 0;
  const wrong: string[] = [];
  for (let v = 0; v < 4000; v++) {
    const value = randomValue(next);
    for (const text of heldTexts(value)) {
      for (const query of [`SELECT * FROM t WHERE a = '${text}'`, `SELECT ${text.toUpperCase()} FROM t`, text]) {
        checked++;
        // The detector searches the query as sent and folded: the text must be in one of them.
        if (!query.includes(text) && !foldCase(query).includes(text)) continue;
        if (headAbsentFrom(query, value)) wrong.push(JSON.stringify({ value, query }));
      }
    }
    if (headAbsentFrom('SELECT name FROM users WHERE id = $1', value)) ruledOut++;
  }
  t.same(wrong.slice(0, 5), [], `no held text ruled out (${checked} pairs)`);
  t.ok(ruledOut > 1000, `unrelated values are ruled out (${ruledOut} of 4000)`);
});

t.test('what each stop in the scan protects', async (t) => {
  const query = 'SELECT * FROM t WHERE a LIKE x';
  t.equal(headAbsentFrom(query, 'ab=cd'), true, 'a kept character the query lacks');
  t.equal(headAbsentFrom(query, 'ab=\u0338cd'), false, 'NFKC composes it with the mark after it');
  t.equal(headAbsentFrom(query, "ab'=cd"), false, 'escaping moves what follows a quote');
  t.equal(headAbsentFrom(query, 'ab\\=cd'), false, 'and what follows a backslash');
  t.equal(headAbsentFrom(query, 'é=cd'), false, 'and what follows a non-ASCII character');
  t.equal(headAbsentFrom(query, 'abcdefg='), false, 'past the shortest followed prefix');
  t.equal(headAbsentFrom(query, '  \tabcdef='), true, 'leading blanks are not counted');
  t.equal(headAbsentFrom(query, 'ABC<=>'), true, 'angle brackets are skipped, not trusted');
});

const fieldValue = (i: number) => `value ${i} of the form`;
const formInputs = (count: number, at: number, value: string): UserInput[] =>
  Array.from({ length: count }, (_, i) => ({ source: 'body' as const, path: `field${i}`, value: i === at ? value : fieldValue(i) }));

t.test('an attack among 10,000 fields ruled out is still found; the benign twin passes', async (t) => {
  const attack = "x' OR 1=1 --";
  const sql = (v: string) => `INSERT INTO contacts (a, b) VALUES ('${fieldValue(1)}', '${v}')`;
  t.equal(detectSqlInjection(sql(attack), formInputs(10_000, 7777, attack), 'sqlite')?.rule, 'sqli.comment');
  const detection = detectSqlInjection(sql(attack), formInputs(10_000, 7777, attack), 'sqlite');
  t.equal(detection?.input.path, 'field7777', 'the attacking field is blamed');
  t.equal(detectSqlInjection(sql("O'Brien".replace("'", "''")), formInputs(10_000, 7777, "O'Brien"), 'sqlite'), undefined);
});

t.test('a cut attack and a composed one are still found among many inputs', async (t) => {
  const padded = "x' OR 1=1 --" + 'A'.repeat(500);
  const cut = `SELECT * FROM users WHERE name = '${padded.slice(0, 20)}'`;
  t.equal(detectSqlInjection(cut, formInputs(3000, 2999, padded), 'postgres')?.input.path, 'field2999');
  // `=` + U+0338 is `≠` once NFKC-normalized: the query holds no `=` at all.
  const composed = "x=\u0338' OR 1 --";
  const query = `SELECT * FROM t WHERE a LIKE '${composed.normalize('NFKC')}'`;
  t.notOk(query.includes('='));
  t.equal(detectSqlInjection(query, formInputs(3000, 5, composed), 'postgres')?.input.path, 'field5');
  t.equal(detectSqlInjection("SELECT * FROM t WHERE a LIKE 'x≠y'", formInputs(3000, 5, 'x=\u0338y'), 'postgres'), undefined, 'benign twin');
});

t.test("a long query's characters are noted once per check, not once per input", async (t) => {
  // Noting them per input made 5,000 inputs against a 200 KB query take about 3 s of CPU.
  const query = `SELECT * FROM t WHERE x = '${'ab'.repeat(100_000)}'`;
  const inputs = Array.from({ length: 5000 }, (_, i) => ({ source: 'body' as const, path: `k${i}`, value: `k${i}=${'ab'.repeat(10)}` }));
  const before = queryCharsNoted();
  t.equal(detectSqlInjection(query, inputs, 'sqlite'), undefined, 'every input ruled out');
  t.equal(queryCharsNoted() - before, 1, 'noted once for 5,000 inputs');
  t.equal(detectSqlInjection(query, inputs, 'sqlite'), undefined);
  t.equal(queryCharsNoted() - before, 2, 'a long query is noted again at its next check, not kept alive in between');
  const short = "SELECT * FROM t WHERE x = 'ab'";
  detectSqlInjection(short, inputs, 'sqlite');
  detectSqlInjection(short, inputs, 'sqlite');
  t.equal(queryCharsNoted() - before, 3, 'a short query the app repeats is noted once across checks');
});
