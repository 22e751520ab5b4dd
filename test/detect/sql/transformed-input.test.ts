// Input the app transforms before building the query is still found: trimmed, sanitizer-
// stripped, NFKC-normalized, upper-cased (Unicode special cases). Benign twins pass.
import t from 'tap';
import { detectSqlInjection } from '../../../src/detect/sql';
import { transformedTexts } from '../../../src/detect/sql/input-forms';

const input = (value: string) => [{ source: 'query' as const, path: 'q', value }];
const rule = (sql: string, value: string) => detectSqlInjection(sql, input(value), 'postgres')?.rule;
const q = (inner: string) => `SELECT * FROM users WHERE name = '${inner}' AND deleted_at IS NULL`;

t.test('trimmed by the app', async (t) => {
  const value = "  x' OR 1=1 --  ";
  t.equal(rule(q(value.trim()), value), 'sqli.comment');
  t.equal(rule(q('alice'), '  alice  '), undefined);
});

t.test('angle brackets stripped by a sanitizer', async (t) => {
  const value = "x<'> OR <1=1> --";
  t.equal(rule(q("x' OR 1=1 --"), value), 'sqli.comment');
  t.equal(rule(q('bold'), '<b>bold</b>'.replace(/<\/?b>/g, '')), undefined);
  t.equal(rule("SELECT * FROM t WHERE name = '<='", '<='), undefined, 'a stripped form is judged by its own length');
});

t.test('NFKC-normalized: fullwidth quote and letters', async (t) => {
  const value = 'x\uFF07 \uFF2FR 1=1 --';
  t.equal(rule(q(value.normalize('NFKC')), value), 'sqli.comment');
  t.equal(rule(q('Ｔｏｋｙｏ'.normalize('NFKC')), 'Ｔｏｋｙｏ'), undefined);
});

t.test('upper-cased: dotless i, long s and sharp s become ASCII', async (t) => {
  const dotless = "x' unıon select password from users --";
  t.equal(rule(q(dotless.toUpperCase()), dotless), 'sqli.comment');
  const longS = "x' union ſelect 1 --";
  t.equal(rule(q(longS.toUpperCase()), longS), 'sqli.comment');
  const sharp = "ß' or 1=1 --";
  t.equal(rule(`SELECT * FROM t WHERE name = '${sharp.toUpperCase()}'`, sharp), 'sqli.comment');
  t.equal(rule(q('STRASSE'), 'straße'), undefined, 'benign twin');
});

t.test('forms are few and only for inputs that need them', async (t) => {
  t.same(transformedTexts('plain value'), ['plain value']);
  t.same(transformedTexts(' a '), [' a ', 'a']);
  t.ok(transformedTexts('<ß>').length <= 6);
});
