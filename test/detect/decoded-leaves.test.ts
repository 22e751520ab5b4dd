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
