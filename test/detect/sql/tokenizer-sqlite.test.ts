import t from 'tap';
import { toks } from './fixtures/helpers';

const lite = (q: string) => toks(q, 'sqlite');

t.test('strings and blobs', async (t) => {
  t.same(lite("'it''s' 'a\\' x"), ["string:'it''s'", "string:'a\\'", 'word:x'], 'doubling; backslash is literal');
  t.same(lite("X'00ff' x'AB'"), ["string:X'00ff'", "string:x'AB'"]);
  t.same(lite("'open"), ["string!:'open"]);
});

t.test('identifiers', async (t) => {
  t.same(lite('"a""b" `c``d` [e f] [g"h]'), ['quoted-identifier:"a""b"', 'quoted-identifier:`c``d`', 'quoted-identifier:[e f]', 'quoted-identifier:[g"h]']);
  t.same(lite('[open'), ['quoted-identifier!:[open']);
  t.same(lite('a$b _x'), ['word:a$b', 'word:_x']);
});

t.test('parameters', async (t) => {
  t.same(lite('? ?12 :name @name $name :1'), ['parameter:?', 'parameter:?12', 'parameter::name', 'parameter:@name', 'parameter:$name', 'parameter::1']);
  t.same(lite(': @ $'), ['operator::', 'operator:@', 'operator:$']);
});

t.test('comments', async (t) => {
  t.same(lite('1 -- x\n2'), ['number:1', 'comment:-- x', 'number:2']);
  t.same(lite('1--x'), ['number:1', 'comment:--x']);
  t.same(lite('/* a /* b */ c'), ['comment:/* a /* b */', 'word:c'], 'not nested');
  t.same(lite('1 /* open'), ['number:1', 'comment!:/* open'], 'SQLite runs it, we flag it');
});

t.test('numbers and operators', async (t) => {
  t.same(lite('1 1.5 .5 1e3 0x1F 1_000'), ['number:1', 'number:1.5', 'number:.5', 'number:1e3', 'number:0x1F', 'number:1_000']);
  t.same(lite('a==b a<>b a->>b a||b a<<2 ~a'), [
    'word:a', 'operator:==', 'word:b', 'word:a', 'operator:<>', 'word:b', 'word:a', 'operator:->>', 'word:b',
    'word:a', 'operator:||', 'word:b', 'word:a', 'operator:<<', 'number:2', 'operator:~', 'word:a',
  ]);
});

t.test('a NUL ends the query for SQLite', async (t) => {
  t.same(lite('"a\0b" x'), ['quoted-identifier!:"a\0b"', 'word:x']);
});
