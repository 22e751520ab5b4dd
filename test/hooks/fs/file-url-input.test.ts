// `fs.readFile(new URL(input))` where the URL parser cleans the input first: leading
// controls and blanks are cut and tabs and newlines removed, so ` fi\tle:///…` opens the
// file the cleaned URL names. Real files in a temp dir: the canary is not read, the
// process keeps serving, and a name the app resolves under its base directory is read.
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { CANARY_TEXT, REPORT_TEXT, makeSandbox } from './sandbox';

start({ mode: 'block', logLevel: 'silent' });
t.teardown(stop);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
const box = makeSandbox('fileurl');
const query = (value: string) => ({ source: 'query' as const, name: 'file', value });

function read(value: string): { text?: string; error?: unknown } {
  try {
    return { text: withInput(query(value), () => fs.readFileSync(new URL(value), 'utf8')) };
  } catch (error) {
    return { error };
  }
}

const canaryUrl = pathToFileURL(box.canary).href;
const hide = (url: string): string[] => [
  ` ${url}`,
  `\u0001\u001f${url}  `,
  `fi\tle:${url.slice(5)}`,
  `${url.slice(0, 12)}\n${url.slice(12)}`,
  `\r\n${url.slice(0, 9)}\t${url.slice(9)}`,
];

t.test('the URL parser really cleans these spellings into the canary’s URL', async (t) => {
  for (const spelled of hide(canaryUrl)) t.equal(new URL(spelled).href, canaryUrl, JSON.stringify(spelled));
});

t.test('a cleaned file: URL from input that leaves the base is refused', async (t) => {
  for (const spelled of hide(canaryUrl)) {
    const r = read(spelled);
    t.type(r.error, RampartBlockedError, `${JSON.stringify(spelled)}: refused`);
    t.not(r.text, CANARY_TEXT, 'canary not read');
  }
});

t.test('benign twin: a name the app resolves under its base directory is read', async (t) => {
  const base = pathToFileURL(`${box.base}/`);
  for (const name of ['report.txt', ' report.txt', 're\tport.txt']) {
    const text = withInput(query(name), () => fs.readFileSync(new URL(name, base), 'utf8'));
    t.equal(text, REPORT_TEXT, `${JSON.stringify(name)}: read, the process still serving`);
  }
});
