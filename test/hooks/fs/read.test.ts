// Reads that leave the base directory are refused in every fs form (callback, sync,
// promises, streams, blobs) and path type (string, Buffer, file: URL); the same reads
// of a file inside it, and their errors, are exactly what they were.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { CANARY_TEXT, REPORT_TEXT, errorShape, makeSandbox } from './sandbox';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsp = require('node:fs/promises') as typeof import('node:fs/promises');

const box = makeSandbox('read');
const query = (value: string) => ({ source: 'query' as const, name: 'file', value });
const blocked = (sink: string) => ({ code: 'RAMPART_BLOCKED', name: 'RampartBlockedError', sink });
type PathArg = string | Buffer | URL;

/** Every way to get a file's text, each named by the sink that sees the path. */
const READERS: Record<string, (p: PathArg) => Promise<string>> = {
  'fs.readFileSync': async (p) => fs.readFileSync(p, 'utf8'),
  'fs.readFile': (p) => new Promise((res, rej) => fs.readFile(p, 'utf8', (err, data) => (err ? rej(err) : res(data)))),
  'fs.promises.readFile': (p) => fsp.readFile(p, 'utf8'),
  'fs.promises.open': async (p) => {
    const handle = await fsp.open(p, 'r');
    try {
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  },
  'fs.openSync': async (p) => {
    const fd = fs.openSync(p, 'r');
    try {
      return fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  },
  'fs.createReadStream': (p) =>
    new Promise((res, rej) => {
      let text = '';
      fs.createReadStream(p, 'utf8')
        .on('data', (chunk) => (text += chunk))
        .on('end', () => res(text))
        .on('error', rej);
    }),
  'fs.openAsBlob': async (p) => (await fs.openAsBlob(p)).text(),
};

const PATH_TYPES: Record<string, (p: string) => PathArg> = {
  string: (p) => p,
  Buffer: (p) => Buffer.from(p),
  URL: (p) => pathToFileURL(p),
};

async function settle<T>(run: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error };
  }
}

t.test('../../canary.txt joined to the base is refused in every form and path type', async (t) => {
  const input = '../../canary.txt';
  for (const [sink, read] of Object.entries(READERS)) {
    for (const [type, make] of Object.entries(PATH_TYPES)) {
      const outcome = await settle(() => withInput(query(input), () => read(make(join(box.base, input)))));
      t.type(outcome.error, RampartBlockedError, `${sink} with a ${type} path is blocked`);
      t.equal((outcome.error as RampartBlockedError).sink, sink);
      t.notOk(String(outcome.value ?? '').includes(CANARY_TEXT), 'canary not returned');
      const [event] = events.attacks();
      t.equal(event?.attributes['rampart.sink'], sink);
      t.equal(event?.attributes['file.path'], box.canary, 'file.path is the resolved string path');
      t.equal(event?.attributes['rampart.attack.kind'], 'path_traversal');
      t.equal(event?.attributes['rampart.input.path'], 'file');
      events.reset();
    }
  }
});

t.test('the same calls inside the base return the file unchanged', async (t) => {
  for (const [sink, read] of Object.entries(READERS)) {
    for (const [type, make] of Object.entries(PATH_TYPES)) {
      const text = await withInput(query('report.txt'), () => read(make(join(box.base, 'report.txt'))));
      t.equal(text, REPORT_TEXT, `${sink} with a ${type} path`);
    }
  }
  t.equal(events.attacks().length, 0, 'no finding');
});

t.test('ENOENT stays ENOENT (Node own errors stay Node own) with the same code, message and path', async (t) => {
  for (const [sink, read] of Object.entries(READERS)) {
    for (const [type, make] of Object.entries(PATH_TYPES)) {
      const missing = join(box.base, 'missing.txt');
      const outside = await settle(() => read(make(missing)));
      const inside = await settle(() => withInput(query('missing.txt'), () => read(make(missing))));
      // openAsBlob reports a missing file as ERR_INVALID_ARG_VALUE on Node 20 and as ENOENT on
      // 24 and 26: the code inside a request must be whatever Node says outside one.
      const own = (outside.error as NodeJS.ErrnoException | undefined)?.code;
      const code = sink === 'fs.openAsBlob' ? own : 'ENOENT';
      if (sink === 'fs.openAsBlob') t.ok(own === 'ERR_INVALID_ARG_VALUE' || own === 'ENOENT', `Node's own openAsBlob code on ${process.version}: ${own}`);
      t.equal((inside.error as NodeJS.ErrnoException)?.code, code, `${sink} with a ${type} path`);
      t.same(errorShape(inside.error), errorShape(outside.error));
    }
  }
  t.equal(events.attacks().length, 0);
});

t.test('decoded, absolute and URL-shaped inputs are refused too', async (t) => {
  const cases: Array<[string, string, () => unknown]> = [
    ['..%2f..%2fcanary.txt', 'decodeURIComponent', () => fs.readFileSync(join(box.base, decodeURIComponent('..%2f..%2fcanary.txt')))],
    ['%2e%2e%2f%2e%2e%2fcanary.txt', 'decodeURIComponent', () => fs.readFileSync(join(box.base, decodeURIComponent('%2e%2e%2f%2e%2e%2fcanary.txt')))],
    ['%252e%252e%252f%252e%252e%252fcanary.txt', 'decoded twice', () => fs.readFileSync(join(box.base, decodeURIComponent(decodeURIComponent('%252e%252e%252f%252e%252e%252fcanary.txt'))))],
    [box.canary, 'used as is', () => fs.readFileSync(box.canary)],
    [box.canary, 'path.resolve(base, input)', () => fs.readFileSync(resolve(box.base, box.canary))],
    [pathToFileURL(box.canary).href, 'new URL(input)', () => fs.readFileSync(new URL(pathToFileURL(box.canary).href))],
    ['%2e%2e/%2e%2e/canary.txt', 'new URL(input, base)', () => fs.readFileSync(new URL('%2e%2e/%2e%2e/canary.txt', pathToFileURL(box.base + '/')))],
  ];
  for (const [input, how, read] of cases) {
    let thrown: unknown;
    let value: unknown;
    try {
      value = withInput(query(input), read);
    } catch (error) {
      thrown = error;
    }
    t.type(thrown, RampartBlockedError, `${input} (${how})`);
    t.equal(value, undefined, 'canary not returned');
  }
  events.reset();
});

t.test('a file: URL Node cannot convert throws Node own error, untouched', async (t) => {
  const input = '..%2f..%2fcanary.txt';
  const url = new URL(`${pathToFileURL(box.base).href}/${input}`);
  const outside = (() => {
    try {
      fs.readFileSync(url);
    } catch (error) {
      return error;
    }
  })();
  t.equal((outside as NodeJS.ErrnoException).code, 'ERR_INVALID_FILE_URL_PATH');
  let inside: unknown;
  try {
    withInput(query(input), () => fs.readFileSync(url));
  } catch (error) {
    inside = error;
  }
  t.same(errorShape(inside), errorShape(outside));
  t.equal(events.attacks().length, 0);
});

t.test('listing, probing and resolving outside the base are refused', async (t) => {
  const up = '../..';
  t.throws(() => withInput(query(up), () => fs.readdirSync(join(box.base, up))), RampartBlockedError);
  await t.rejects(withInput(query(up), () => fsp.readdir(join(box.base, up))), RampartBlockedError);
  const input = '../../canary.txt';
  const target = join(box.base, input);
  t.throws(() => withInput(query(input), () => fs.statSync(target)), RampartBlockedError);
  t.throws(() => withInput(query(input), () => fs.accessSync(target)), RampartBlockedError);
  t.throws(() => withInput(query(input), () => fs.realpathSync.native(target)), blocked('fs.realpathSync.native'));
  const native = await new Promise<{ err: unknown }>((res) => withInput(query(input), () => fs.realpath.native(target, (err) => res({ err }))));
  t.match(native.err, blocked('fs.realpath.native'));
  t.equal(withInput(query(input), () => fs.existsSync(target)), false, 'existsSync answers false, as it never throws');
  t.equal(fs.existsSync(target), true, 'the canary does exist');
  t.equal(events.attacks().length, 7);
  events.reset();
});

t.test('a Buffer path built byte-per-char (latin1) is read the way the app built it', async (t) => {
  const input = '../../café.txt';
  const bytes = Buffer.from(join(box.base, input), 'latin1'); // not valid UTF-8: é is one byte
  fs.writeFileSync(bytes, CANARY_TEXT);
  t.throws(() => withInput(query(input), () => fs.readFileSync(bytes)), RampartBlockedError);
  t.equal(withInput(query('café.txt'), () => fs.readFileSync(Buffer.from(join(box.root, 'café.txt'), 'latin1'), 'utf8')), CANARY_TEXT, 'benign Buffer path still read');
  events.reset();
});
