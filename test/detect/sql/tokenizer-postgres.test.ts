import t from 'tap';
import { tokenizeSql } from '../../../src/detect/sql';
import { toks } from './fixtures/helpers';

const pg = (q: string) => toks(q, 'postgres');

t.test('strings', async (t) => {
  t.same(pg("'it''s'"), ["string:'it''s'"], "'' doubling");
  t.same(pg("'a\\' || 'b'"), ["string:'a\\'", 'operator:||', "string:'b'"], 'backslash is literal in standard strings');
  t.same(pg("E'a\\'b' x"), ["string:E'a\\'b'", 'word:x'], "E'' escapes quotes with a backslash");
  t.same(pg("e'\\\\' x"), ["string:e'\\\\'", 'word:x'], "E'' escaped backslash before the closing quote");
  t.same(pg("E'x''y'"), ["string:E'x''y'"], "E'' also doubles quotes");
  t.same(pg("U&'d\\0061t' UESCAPE '!'"), ["string:U&'d\\0061t'", 'word:UESCAPE', "string:'!'"]);
  t.same(pg("B'101' X'1F'"), ["string:B'101'", "string:X'1F'"], 'bit strings');
  t.same(pg("B'1''0'"), ["string:B'1'", "string:'0'"], 'bit strings do not double quotes');
  t.same(pg("N'x'"), ['word:N', "string:'x'"], "N'' is the word N then a string, as in scan.l");
  t.same(pg("abe'x'"), ['word:abe', "string:'x'"], 'a prefix only counts at the start of a word');
  t.same(pg("'a'\n  'b' 'c' 'd'"), ["string:'a'\n  'b'", "string:'c'", "string:'d'"], 'continuation needs a newline');
  t.same(pg("'a' -- c\n'b'"), ["string:'a'", 'comment:-- c', "string:'b'"], 'a comment ends the literal');
});

t.test('dollar quoting', async (t) => {
  t.same(pg('$$it\'s$$'), ["string:$$it's$$"]);
  t.same(pg('$fn$ a $$ b $fn$ x'), ['string:$fn$ a $$ b $fn$', 'word:x'], 'other tags inside are text');
  t.same(pg('$a$$a$'), ['string:$a$$a$'], 'empty body');
  t.same(pg('$1 $12'), ['parameter:$1', 'parameter:$12']);
  t.same(pg('$abc'), ['operator:$', 'word:abc'], 'a tag without its closing $ is not a quote');
  t.same(pg('x$1$y'), ['word:x$1$y'], '$ inside identifiers');
  t.same(pg('$$ never closes'), ['string!:$$ never closes']);
  t.same(pg('$q$ x $Q$'), ['string!:$q$ x $Q$'], 'tags are case-sensitive');
});

t.test('comments', async (t) => {
  t.same(pg('1 /* a /* b */ c */ 2'), ['number:1', 'comment:/* a /* b */ c */', 'number:2'], 'nested');
  t.same(pg('1 -- c\r2'), ['number:1', 'comment:-- c', 'number:2'], '\\r ends a line comment');
  t.same(pg('1 /* a /* b */'), ['number:1', 'comment!:/* a /* b */'], 'unclosed nesting');
  t.same(pg('a--b'), ['word:a', 'comment:--b']);
});

t.test('identifiers and words', async (t) => {
  t.same(pg('"we""ird" U&"x" select _a1$'), ['quoted-identifier:"we""ird"', 'quoted-identifier:U&"x"', 'word:select', 'word:_a1$']);
  t.same(pg('"open'), ['quoted-identifier!:"open']);
  t.same(pg('café naïve'), ['word:café', 'word:naïve'], 'non-ASCII letters are identifier characters');
});

t.test('numbers', async (t) => {
  t.same(pg('1 1.5 .5 1. 1e10 1.5e-3 0x1F 0o17 0b101 1_000 0x_FF'), [
    'number:1', 'number:1.5', 'number:.5', 'number:1.', 'number:1e10', 'number:1.5e-3',
    'number:0x1F', 'number:0o17', 'number:0b101', 'number:1_000', 'number:0x_FF',
  ]);
  t.same(pg('1..2'), ['number:1', 'operator:..', 'number:2'], 'ranges');
  t.same(pg('1e'), ['number:1', 'word:e']);
});

t.test('operators follow the scan.l operator rule', async (t) => {
  t.same(pg('a=-1'), ['word:a', 'operator:=', 'operator:-', 'number:1'], 'trailing - given back');
  t.same(pg('@-1'), ['operator:@-', 'number:1'], 'kept after @');
  t.same(pg('a<>b a!=b a->>b x::int a:=b'), [
    'word:a', 'operator:<>', 'word:b', 'word:a', 'operator:!=', 'word:b', 'word:a', 'operator:->>',
    'word:b', 'word:x', 'operator:::', 'word:int', 'word:a', 'operator::=', 'word:b',
  ]);
  t.same(pg('+--x'), ['operator:+', 'comment:--x'], 'an operator stops before --');
  t.same(pg('*/*x*/'), ['operator:*', 'comment:/*x*/'], 'and before /*');
  t.same(pg(',()[];'), ['operator:,', 'operator:(', 'operator:)', 'operator:[', 'operator:]', 'operator:;']);
});

t.test('offsets and flags', async (t) => {
  const [a, b] = tokenizeSql("  x 'y", 'postgres');
  t.match(a, { kind: 'word', start: 2, end: 3, text: 'x', unterminated: false });
  t.match(b, { kind: 'string', start: 4, end: 6, text: "'y", unterminated: true });
  t.same(tokenizeSql('', 'postgres'), []);
  t.same(tokenizeSql(' \n\t', 'postgres'), []);
});

t.test('a NUL ends the query for PostgreSQL', async (t) => {
  t.same(pg("'a\0b' x"), ["string!:'a\0b'", 'word:x'], 'inside a string');
  t.same(pg('/* a\0 */ x'), ['comment!:/* a\0 */', 'word:x'], 'inside a block comment');
  t.same(pg('1 \0 2'), ['number:1', 'operator:\0', 'number:2'], 'between tokens');
});
