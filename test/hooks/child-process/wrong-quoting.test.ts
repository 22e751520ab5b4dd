// Express over real HTTP with a real `sh`. An app that trims or NFKC-normalizes the name
// (fullwidth `；` runs as `;`), and one that escapes quotes with a backslash inside single
// quotes (`'${v.replace(/'/g, "\\'")}'`), where a backslash escapes nothing and `\'`
// ends the quoted string. The attack is refused with the canary file not created; a name
// with a quote, escaped the same way but inside double quotes (where it is harmless), is
// served; the process stays up.
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { start, stop } from '../../../src/index';
import { closeServer, listen, request } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';

const events = captureOtelLogs();
start({ logLevel: 'silent' });

/* eslint-disable @typescript-eslint/no-require-imports */
const express = require('express') as typeof import('express');
const { execSync } = require('node:child_process') as typeof import('node:child_process');
/* eslint-enable @typescript-eslint/no-require-imports */

const dir = mkdtempSync(join(tmpdir(), 'rampart-quoting-'));
const CANARY = join(dir, 'pwned');
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const backslashed = (v: string): string => v.replace(/'/g, "\\'");

const app = express();
const run = (command: string, res: import('express').Response): void => {
  try {
    res.type('text/plain').send(execSync(command, { cwd: dir, encoding: 'utf8' }));
  } catch (error) {
    res.status(500).send(String((error as Error).message));
  }
};
app.get('/single', (req, res) => run(`echo '${backslashed(str(req.query.name))}'`, res));
app.get('/double', (req, res) => run(`echo "${backslashed(str(req.query.name))}"`, res));
// Trimmed and NFKC-normalized before the command (fullwidth `；` becomes `;`).
app.get('/normalized', (req, res) => run(`echo ${str(req.query.name).normalize('NFKC').trim()}`, res));
const server = createServer(app);
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(async () => {
  await closeServer(server);
  stop();
});
const enc = encodeURIComponent;

t.test("\\' inside single quotes: the quote closes, the attack is refused", async (t) => {
  const control = `echo '${backslashed("x'; touch pwned #")}'`;
  t.equal(execSync(`sh -c ${JSON.stringify(control)} && ls`, { cwd: mkdtempSync(join(tmpdir(), 'rampart-quoting-control-')), encoding: 'utf8' }).includes('pwned'), true, 'control: without rampart the command runs');
  const res = await request(`${base}/single?name=${enc("x'; touch pwned #")}`);
  t.equal(res.status, 403, 'refused');
  t.notOk(existsSync(CANARY), 'the canary file was not created');
  t.equal(events.attacks()[0]?.attributes['rampart.attack.kind'], 'command_injection');
  events.reset();
  const ok = await request(`${base}/single?name=${enc('holiday photo')}`);
  t.equal(ok.status, 200);
  t.equal(ok.text, 'holiday photo\n');
  t.equal(events.attacks().length, 0);
});

t.test("\\' inside double quotes is harmless: served with the quote", async (t) => {
  const ok = await request(`${base}/double?name=${enc("O'Brien; not a command")}`);
  t.equal(ok.status, 200);
  t.equal(ok.text, "O\\'Brien; not a command\n");
  t.equal(events.attacks().length, 0);
  t.notOk(existsSync(CANARY));
});

t.test('trimmed and NFKC-normalized names: the attack is refused, a benign name served', async (t) => {
  for (const attack of ['x；touch pwned', '  x;touch pwned  ', 'x＆＆touch pwned']) {
    const res = await request(`${base}/normalized?name=${enc(attack)}`);
    t.equal(res.status, 403, `${attack} refused`);
    t.notOk(existsSync(CANARY), 'the canary file was not created');
    events.reset();
  }
  const ok = await request(`${base}/normalized?name=${enc('  ｈｏｌｉｄａｙ  ')}`);
  t.equal(ok.status, 200);
  t.equal(ok.text, 'holiday\n');
  t.equal(events.attacks().length, 0);
});

t.test('the process is still up and serving', async (t) => {
  const ok = await request(`${base}/single?name=bob`);
  t.equal(ok.status, 200);
  t.equal(ok.text, 'bob\n');
});
