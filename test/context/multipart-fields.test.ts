// The multipart text-field scanner (context/multipart-fields.ts) on bodies made by a real
// serializer (undici's FormData encoding through `new Response(form)`), fed whole and one
// byte at a time, and on hand-written bodies for the edges: quoted parameters, file names,
// preamble and epilogue, parts without a disposition, the memory bounds.
import t from 'tap';
import { MultipartFields, collectMultipart, headerParams, type MultipartSnapshot } from '../../src/context/multipart-fields';
import type { UserInput } from '../../src/detect/types';

async function encode(form: FormData): Promise<{ type: string; bytes: Buffer }> {
  const res = new Response(form);
  return { type: res.headers.get('content-type')!, bytes: Buffer.from(await res.arrayBuffer()) };
}

function scan(type: string, bytes: Buffer, step = bytes.length, max = 1 << 20): MultipartSnapshot | undefined {
  const fields = new MultipartFields(type, max);
  for (let i = 0; i < bytes.length; i += step) fields.observe(bytes.subarray(i, i + step));
  return fields.current();
}

function inputs(snapshot: MultipartSnapshot | undefined): Array<[string, string]> {
  const out: UserInput[] = [];
  const budget = { inputsLeft: 1000, bytesLeft: 1 << 20, exceeded: undefined };
  collectMultipart(snapshot, 'body', '', budget, out);
  return out.map((i) => [i.path, i.value]);
}

t.test('text fields by name, a file by its name only, whole or byte by byte', async (t) => {
  const form = new FormData();
  form.append('name', "' OR '1'='1");
  form.append('upload', new Blob(["file body ' OR 1=1 --"]), '../../etc/passwd');
  form.append('note', 'line one\r\nline two ü');
  const { type, bytes } = await encode(form);
  const whole = inputs(scan(type, bytes));
  t.same(whole, [
    ['name', "' OR '1'='1"],
    ['upload', '../../etc/passwd'],
    ['note', 'line one\r\nline two ü'],
  ]);
  t.same(inputs(scan(type, bytes, 1)), whole, 'a delimiter cut by any chunk boundary is still found');
  t.same(inputs(scan(type, bytes, 7)), whole);
});

t.test('a file larger than the bound streams past; a field larger than it makes the body incomplete', async (t) => {
  const big = new FormData();
  big.append('name', 'alice');
  big.append('upload', new Blob([Buffer.alloc(200_000, 0x61)]), 'big.bin');
  const file = await encode(big);
  const snapshot = scan(file.type, file.bytes, 4096, 1024);
  t.equal(snapshot?.overflow, false);
  t.same(inputs(snapshot), [
    ['name', 'alice'],
    ['upload', 'big.bin'],
  ]);

  const long = new FormData();
  long.append('name', 'x'.repeat(5000));
  const field = await encode(long);
  const over = scan(field.type, field.bytes, 4096, 1024);
  t.equal(over?.overflow, true);
  const out: UserInput[] = [];
  const budget = { inputsLeft: 1000, bytesLeft: 1 << 20, exceeded: undefined as unknown };
  collectMultipart(over, 'body', '', budget as never, out);
  t.match(budget.exceeded, { bound: 'maxBytes', source: 'body' }, 'reported as an input limit, not silently dropped');
});

t.test('hand-written bodies: preamble, epilogue, quoted names, filename*, no disposition, an empty field (no input)', async (t) => {
  const body = [
    'preamble text --b not a delimiter',
    '--b',
    'Content-Disposition: form-data; name="a;b \\"q\\""',
    '',
    'v1',
    '--b',
    "Content-Disposition: form-data; name=f; filename*=UTF-8''x.txt",
    'Content-Type: text/plain',
    '',
    'file text',
    '--b',
    'Content-Type: text/plain',
    '',
    'no disposition',
    '--b',
    'content-disposition: form-data; name="empty"',
    '',
    '',
    '--b',
    'Content-Disposition: form-data; name="last"',
    '',
    'z',
    '--b--',
    'epilogue --b',
  ].join('\r\n');
  t.same(inputs(scan('multipart/form-data; boundary="b"', Buffer.from(body))), [
    ['a;b "q"', 'v1'],
    ['a;b "q"', 'a;b "q"'],
    ['f', "UTF-8''x.txt"],
    ['last', 'z'],
  ]);
});

t.test('parser disagreements resolve to more input: repeated dispositions, a declared charset', async (t) => {
  const body = Buffer.concat([
    Buffer.from(
      [
        '--b',
        // busboy reads the first disposition (a field), undici the last (a file): a field.
        'Content-Disposition: form-data; name="q"',
        'Content-Disposition: form-data; name="q"; filename="x.txt"',
        '',
        "' OR '1'='1",
        '--b',
        'Content-Disposition: form-data; name="w"',
        'Content-Type: text/plain; charset=utf-16le',
        '',
        '',
      ].join('\r\n'),
    ),
    Buffer.from("' OR 1=1 --", 'utf16le'),
    Buffer.from('\r\n--b--'),
  ]);
  const got = inputs(scan('multipart/form-data; boundary=b', body));
  t.same(got.slice(0, 2), [
    ['q', 'x.txt'],
    ['q', "' OR '1'='1"],
  ]);
  t.same(got[3], ['w', "' OR 1=1 --"], 'decoded in the declared charset too, as busboy does');
  t.equal(got.length, 4, 'the UTF-8 reading of the same bytes is kept as well (undici reads it so)');
});

t.test('no boundary, or an endless part header: nothing kept, or the bound', async (t) => {
  t.equal(scan('multipart/form-data', Buffer.from('--b\r\n\r\nx\r\n--b--')), undefined);
  const endless = Buffer.from(`--b\r\nContent-Disposition: form-data; name="${'n'.repeat(70_000)}`);
  t.equal(scan('multipart/form-data; boundary=b', endless, 1000)?.overflow, true);
});

t.test('header parameters', async (t) => {
  t.same([...headerParams('form-data; name="x"; filename="a\\"b"')], [
    ['name', 'x'],
    ['filename', 'a"b'],
  ]);
  t.same([...headerParams('multipart/form-data; boundary=----abc ; charset=utf-8')], [
    ['boundary', '----abc'],
    ['charset', 'utf-8'],
  ]);
  t.same([...headerParams('form-data')], []);
  t.same([...headerParams('form-data; junk; name=y')], [['name', 'y']]);
});
