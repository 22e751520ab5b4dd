// Values the app decodes itself (JSON, base64, hex): their string leaves become inputs, and
// the detectors find attacks in them.
import t from 'tap';
import { decodedLeaves } from '../../src/detect/decoded-leaves';
import { addWithDecodedVariants } from '../../src/context/decode';
import { detectSqlInjection } from '../../src/detect/sql';
import { detectShellInjection } from '../../src/detect/shell';
import type { UserInput } from '../../src/detect/types';

const inputsOf = (value: string): UserInput[] => {
  const out: UserInput[] = [];
  addWithDecodedVariants(value, 'query', 'f', out);
  return out;
};

t.test('JSON leaves, nested, with their paths', async (t) => {
  t.same(
    decodedLeaves('{"sort":"name","filter":{"q":["a\\u0027b"]}}').map((l) => [l.suffix, l.value]).sort(),
    [['(json).filter.q.0', "a'b"], ['(json).sort', 'name']],
  );
  t.same(decodedLeaves('"just a string"'), [], 'a JSON string is the input itself');
  t.same(decodedLeaves('{not json'), []);
});

t.test('base64 (standard and URL-safe) and hex decode to readable text only', async (t) => {
  t.same(decodedLeaves(Buffer.from("x' OR 1=1 --").toString('base64')), [{ suffix: '(base64)', value: "x' OR 1=1 --" }]);
  const b64json = Buffer.from('{"cmd":"a;id"}').toString('base64url');
  t.same(decodedLeaves(b64json).map((l) => l.value), ['{"cmd":"a;id"}', 'a;id']);
  t.same(decodedLeaves(Buffer.from('; rm -rf /').toString('hex')), [{ suffix: '(hex)', value: '; rm -rf /' }]);
  for (const word of ['username', 'deadbeef', 'abcdefgh', 'Mozilla/5.0', '12345678']) t.same(decodedLeaves(word), [], word);
});

t.test('the detectors see what the app decoded', async (t) => {
  const payload = "x' OR 1=1 --";
  const b64 = Buffer.from(payload).toString('base64');
  t.equal(detectSqlInjection(`SELECT * FROM t WHERE a = '${payload}'`, inputsOf(b64), 'postgres')?.input.path, 'f.(base64)');
  const json = JSON.stringify({ file: 'a.png; id' });
  t.equal(detectShellInjection('convert a.png; id out.png', inputsOf(json))?.input.path, 'f.(json).file');
  t.equal(detectSqlInjection("SELECT * FROM t WHERE a = 'alice'", inputsOf(Buffer.from('alice-smith').toString('base64')), 'postgres'), undefined);
});

t.test("React's reply escape: a string starting with $ travels as $$, the app gets one $ less", async (t) => {
  t.same(
    inputsOf("$$' OR '1'='1").map((i) => i.value),
    ["$$' OR '1'='1", "$' OR '1'='1"],
  );
  const leaves = inputsOf(`["$$' OR '1'='1", "$K1"]`).filter((i) => i.path.startsWith('f.(json)'));
  t.same(leaves.map((i) => [i.path, i.value]).sort(), [
    ['f.(json).0', "$$' OR '1'='1"],
    ['f.(json).0', "$' OR '1'='1"],
    ['f.(json).1', '$K1'],
  ]);
  const query = "SELECT id FROM users WHERE name = '$' OR '1'='1'";
  t.ok(detectSqlInjection(query, inputsOf("$$' OR '1'='1"), 'sqlite'), 'the unescaped argument is found in the query');
  t.same(inputsOf('$5 off').map((i) => i.value), ['$5 off'], 'a single $ is not an escape');
});

t.test('bytes that are not UTF-8 decode to nothing; valid multi-byte text and a leading BOM as a decoder reads them', async (t) => {
  // `keep-alive` (every Connection header) reads as base64 of bytes that are not UTF-8.
  t.same(decodedLeaves('keep-alive'), [], 'keep-alive');
  const overlong = Buffer.from([0xc0, 0xaf, 0x41, 0x42, 0x43, 0x44]).toString('base64'); // an overlong `/`
  t.same(decodedLeaves(overlong), [], 'overlong encoding');
  const surrogate = Buffer.from([0xed, 0xa0, 0x80, 0x41, 0x42, 0x43]).toString('hex'); // a lone surrogate
  t.same(decodedLeaves(surrogate), [], 'encoded surrogate');
  t.same(decodedLeaves(Buffer.from("Sinéad' OR 1=1 --").toString('base64')), [{ suffix: '(base64)', value: "Sinéad' OR 1=1 --" }]);
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("x' OR 'a'='a")]).toString('base64');
  t.same(decodedLeaves(bom), [{ suffix: '(base64)', value: "x' OR 'a'='a" }], 'the BOM is dropped');
});

t.test('a value seen again gives the same leaves, however many other values came between', async (t) => {
  const cookie = Buffer.from("x' OR 1=1 --").toString('base64');
  const first = decodedLeaves(cookie).map((l) => [l.suffix, l.value]);
  t.same(first, [['(base64)', "x' OR 1=1 --"]]);
  // More distinct values than the memo keeps: it starts over, and every answer stays right.
  const got: string[][] = [];
  const wanted: string[][] = [];
  for (let i = 0; i < 600; i++) {
    const payload = `{"id":"${i}' OR '1'='1"}`;
    got.push(decodedLeaves(Buffer.from(payload).toString('base64')).map((l) => l.value));
    wanted.push([payload, `${i}' OR '1'='1`]);
  }
  t.same(got, wanted, '600 distinct values, each decoded right');
  t.same(decodedLeaves(cookie).map((l) => [l.suffix, l.value]), first);
  t.same(decodedLeaves('keep-alive'), [], 'base64-looking text that decodes to bytes that are not text');
  t.same(decodedLeaves('keep-alive'), [], 'and again, from the memo');
});

t.test('values longer than the memo keeps are decoded every time', async (t) => {
  const long = JSON.stringify({ q: `${'a'.repeat(600)}' OR 1=1 --` });
  for (let i = 0; i < 2; i++) t.same(decodedLeaves(long).map((l) => l.value), [`${'a'.repeat(600)}' OR 1=1 --`]);
  const b64 = Buffer.from(`'; DROP TABLE users; -- ${'x'.repeat(600)}`).toString('base64');
  for (let i = 0; i < 2; i++) t.same(decodedLeaves(b64).map((l) => l.suffix), ['(base64)']);
});

t.test('a value whose leaves hold many times its length gives all of them, every time', async (t) => {
  // 100 leaves under one deep path: the paths alone hold many times the value's length.
  const deep = `${'['.repeat(100)}${Array(100).fill('"a"').join(',')}${']'.repeat(100)}`;
  for (let i = 0; i < 2; i++) {
    const leaves = decodedLeaves(deep);
    t.equal(leaves.length, 100);
    t.ok(leaves.every((l) => l.value === 'a' && l.suffix.startsWith(`(json)${'.0'.repeat(99)}.`)));
  }
});
