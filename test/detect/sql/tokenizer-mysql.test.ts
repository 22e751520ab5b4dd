import t from 'tap';
import { toks } from './fixtures/helpers';

const my = (q: string) => toks(q, 'mysql');

t.test('strings', async (t) => {
  t.same(my("'it\\'s' 'it''s'"), ["string:'it\\'s'", "string:'it''s'"], 'backslash escapes and doubling');
  t.same(my(`"dq \\" x" "a""b"`), [`string:"dq \\" x"`, `string:"a""b"`], '"" is a string (no ANSI_QUOTES)');
  t.same(my("'\\\\' x"), ["string:'\\\\'", 'word:x'], 'escaped backslash before the closing quote');
  t.same(my("'a\\'"), ["string!:'a\\'"], "a trailing \\' leaves the string open");
  t.same(my("X'1F' x'00' B'01' N'na\\'me' n'x'"), ["string:X'1F'", "string:x'00'", "string:B'01'", "string:N'na\\'me'", "string:n'x'"]);
  t.same(my("_utf8mb4'x' _binary\"y\" _latin1 'z'"), ["string:_utf8mb4'x'", 'string:_binary"y"', 'word:_latin1', "string:'z'"], 'charset introducers');
});

t.test('identifiers, variables, placeholders', async (t) => {
  t.same(my('`we``ird` `open'), ['quoted-identifier:`we``ird`', 'quoted-identifier!:`open']);
  t.same(my('$x a$b 123abc 1e1union'), ['word:$x', 'word:a$b', 'word:123abc', 'number:1e1', 'word:union'], 'digit-led identifiers; floats end at the exponent');
  t.same(my("@v @@global @'q v' @`b` @ ?"), ['variable:@v', 'variable:@@global', "variable:@'q v'", 'variable:@`b`', 'operator:@', 'parameter:?']);
});

t.test('numbers', async (t) => {
  t.same(my('1 1.5 .5 1e10 2E-3 0x1F 0b101'), ['number:1', 'number:1.5', 'number:.5', 'number:1e10', 'number:2E-3', 'number:0x1F', 'number:0b101']);
});

t.test('comments', async (t) => {
  t.same(my('1 # hash\n2'), ['number:1', 'comment:# hash', 'number:2']);
  t.same(my('1 -- x\n2'), ['number:1', 'comment:-- x', 'number:2']);
  t.same(my('1 --\tx'), ['number:1', 'comment:--\tx'], '-- then a control character');
  t.same(my('1 --'), ['number:1', 'comment:--'], '-- at the end');
  t.same(my('1--1'), ['number:1', 'operator:-', 'operator:-', 'number:1'], '--x is two minus signs');
  t.same(my('/* a /* b */ c */'), ['comment:/* a /* b */', 'word:c', 'operator:*', 'operator:/'], 'not nested');
  t.same(my('/*+ BKA(t) */ 1'), ['comment:/*+ BKA(t) */', 'number:1'], 'optimizer hints are comments');
  t.same(my('/* open'), ['comment!:/* open']);
});

t.test('executable comments are code', async (t) => {
  t.same(my('/*!50000 UNION*/ SELECT'), ['executable-comment:/*!50000', 'word:UNION', 'executable-comment:*/', 'word:SELECT']);
  t.same(my('/*! SELECT 1 */'), ['executable-comment:/*!', 'word:SELECT', 'number:1', 'executable-comment:*/']);
  t.same(my('/*M!100100 x */'), ['executable-comment:/*M!100100', 'word:x', 'executable-comment:*/'], 'MariaDB form');
  t.same(my("/*!'a*/'*/"), ['executable-comment:/*!', "string:'a*/'", 'executable-comment:*/'], 'a string inside holds */');
  t.same(my('/*!50000 UNION'), ['executable-comment!:/*!50000', 'word:UNION'], 'unterminated');
  t.same(my('a */ b'), ['word:a', 'operator:*', 'operator:/', 'word:b'], '*/ outside closes nothing');
});

t.test('operators', async (t) => {
  t.same(my('a<=>b a->>b a:=1 a&&b a||b a!=b'), [
    'word:a', 'operator:<=>', 'word:b', 'word:a', 'operator:->>', 'word:b', 'word:a', 'operator::=', 'number:1',
    'word:a', 'operator:&&', 'word:b', 'word:a', 'operator:||', 'word:b', 'word:a', 'operator:!=', 'word:b',
  ]);
});

t.test('a NUL is an ordinary character for MySQL (length-prefixed protocol)', async (t) => {
  t.same(my("'a\0b' x"), ["string:'a\0b'", 'word:x']);
});
