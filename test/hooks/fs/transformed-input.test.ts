// Express over real HTTP, real files: inputs the app transforms before the file call
// (lower/upper-cased, cut to a length, percent-decoded or not) and traversal assembled from
// several inputs are refused with the secret not read and the canary not written; the
// same routes serve the right file to benign values, and the process stays up.
import { get, type Server } from 'node:http';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { start, stop } from '../../../src/index';
import { request, serveOnLoopback } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { CANARY_TEXT, REPORT_TEXT, makeSandbox } from './sandbox';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const path = require('node:path') as typeof import('node:path');

// root/canary.txt (two levels up), root/app/secret.txt and SECRET.TXT (one level up)
const box = makeSandbox('transformed');
const BASE = box.base;
const APP_DIR = join(BASE, '..');
const SECRET = 'SECRET-lower-5e1c';
const SECRET_UPPER = 'SECRET-UPPER-9a2f';
const NOTES = 'NOTES IN CAPITALS';
writeFileSync(join(APP_DIR, 'secret.txt'), SECRET);
writeFileSync(join(APP_DIR, 'SECRET.TXT'), SECRET_UPPER);
writeFileSync(join(BASE, 'NOTES.TXT'), NOTES);
mkdirSync(join(BASE, 'sub')); // `sub/../report.txt` resolves only through a real directory
const WRITTEN = join(APP_DIR, 'written.txt');

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const app = express();
app.use(express.urlencoded({ extended: false }));
const send = (res: import('express').Response) => (err: NodeJS.ErrnoException | null, data?: string) => {
  if (err) res.status(500).send(`cannot read: ${err.code}`);
  else res.type('text/plain').send(data);
};
app.get('/lower', (req, res) => fs.readFile(path.join(BASE, str(req.query.file).toLowerCase()), 'utf8', send(res)));
app.get('/upper', (req, res) => fs.readFile(path.join(BASE, str(req.query.file).toUpperCase()), 'utf8', send(res)));
app.get('/lower-concat', (req, res) => fs.readFile(`${BASE}/${decodeURIComponent(str(req.query.file)).toLowerCase()}`, 'utf8', send(res)));
app.get('/parts', (req, res) => fs.readFile(`${BASE}/${str(req.query.name)}.${str(req.query.ext)}`, 'utf8', send(res)));
app.get('/parts-joined', (req, res) => fs.readFile(path.join(BASE, `${str(req.query.name)}.${str(req.query.ext)}`), 'utf8', send(res)));
app.get('/dir-file', (req, res) => fs.readFile(`${BASE}/${str(req.query.dir)}${str(req.query.file)}`, 'utf8', send(res)));
app.get('/save', (req, res) => {
  try {
    fs.writeFileSync(`${BASE}/${str(req.query.name)}.${str(req.query.ext)}`, 'written by the app');
    res.send('saved');
  } catch (error) {
    res.status(500).send(String((error as Error).message));
  }
});
// Names must end in .png (the app's own check), then are cut to 20 characters.
app.get('/cut', (req, res) => {
  const name = str(req.query.name);
  if (!name.endsWith('.png') && name.length > 20) return void res.status(400).send('png only');
  fs.readFile(path.join(BASE, name.slice(0, 20)), 'utf8', send(res));
});
// Trimmed and NFKC-normalized names (fullwidth `．．／` becomes `../`).
app.get('/normalized', (req, res) => fs.readFile(path.join(BASE, str(req.query.file).normalize('NFKC').trim()), 'utf8', send(res)));
// A "sanitizer" deleting `../` (every one, or the first only), which `....//` survives.
app.get('/strip', (req, res) => fs.readFile(path.join(BASE, str(req.query.file).replace(/\.\.\//g, '')), 'utf8', send(res)));
app.get('/strip-once', (req, res) => fs.readFile(`${BASE}/${str(req.query.file).replace('../', '')}`, 'utf8', send(res)));
// %2e%2e%2f forms through each source, with and without the app decoding.
app.get('/q', (req, res) => fs.readFile(path.join(BASE, decodeURIComponent(str(req.query.file))), 'utf8', send(res)));
app.get('/q-as-is', (req, res) => fs.readFile(path.join(BASE, str(req.query.file)), 'utf8', send(res)));
app.post('/b', (req, res) => fs.readFile(path.join(BASE, decodeURIComponent(str(req.body?.file))), 'utf8', send(res)));
app.use('/p', (req, res) => fs.readFile(path.join(BASE, decodeURIComponent(req.url.slice(1))), 'utf8', send(res)));

const server: Server = app.listen();
const site = serveOnLoopback(t, server);

/** A GET with the path sent exactly as written (fetch would collapse `%2e%2e` segments). */
function rawGet(rawPath: string): Promise<{ status: number; text: string }> {
  const { port } = new URL(site.base);
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: Number(port), path: rawPath }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

const SECRETS = [CANARY_TEXT, SECRET, SECRET_UPPER];
async function refused(t: Test, url: string, init?: RequestInit): Promise<void> {
  const res = url.startsWith('/') ? await rawGet(url) : await request(url, init);
  t.equal(res.status, 403, `${url} refused`);
  for (const s of SECRETS) t.notMatch(res.text, s, 'no secret in the response');
  t.equal(events.attacks()[0]?.attributes['rampart.attack.kind'], 'path_traversal');
  events.reset();
}
async function served(t: Test, url: string, text: string, init?: RequestInit): Promise<void> {
  const res = url.startsWith('/') ? await rawGet(url) : await request(url, init);
  t.equal(res.status, 200, `${url} served`);
  t.equal(res.text, text);
  t.equal(events.attacks().length, 0, 'no finding');
}
const enc = encodeURIComponent;

t.test('lower- and upper-cased names', async (t) => {
  await refused(t, `${site.base}/lower?file=${enc('../SECRET.TXT')}`);
  await refused(t, `${site.base}/lower?file=${enc('../../CANARY.TXT')}`);
  await refused(t, `${site.base}/upper?file=${enc('../secret.txt')}`);
  await refused(t, `${site.base}/lower-concat?file=${enc('..%2F..%2FCANARY.TXT')}`);
  await served(t, `${site.base}/lower?file=REPORT.TXT`, REPORT_TEXT);
  await served(t, `${site.base}/upper?file=notes.txt`, NOTES);
  await served(t, `${site.base}/lower-concat?file=${enc('Sub%2F..%2FReport.TXT')}`, REPORT_TEXT);
});

t.test('a .. assembled from several inputs, none holding ..', async (t) => {
  await refused(t, `${site.base}/parts?name=.&ext=${enc('/secret.txt')}`);
  await refused(t, `${site.base}/dir-file?dir=.&file=${enc('./secret.txt')}`);
  await refused(t, `${site.base}/parts-joined?name=.&ext=${enc('/secret.txt')}`);
  await served(t, `${site.base}/parts-joined?name=report&ext=txt`, REPORT_TEXT);
  await refused(t, `${site.base}/save?name=.&ext=${enc('/written.txt')}`);
  t.notOk(existsSync(WRITTEN), 'the canary file was not written');
  await served(t, `${site.base}/parts?name=report&ext=txt`, REPORT_TEXT);
  await served(t, `${site.base}/dir-file?dir=${enc('sub/.')}&file=${enc('./report.txt')}`, REPORT_TEXT);
  const save = await request(`${site.base}/save?name=mine&ext=txt`);
  t.equal(save.text, 'saved');
  t.ok(existsSync(join(BASE, 'mine.txt')), 'a benign name is written');
});

t.test('names whose `../` the app deletes: what the deletion joins climbs', async (t) => {
  await refused(t, `${site.base}/strip?file=${enc('....//secret.txt')}`);
  await refused(t, `${site.base}/strip?file=${enc('..././..././canary.txt')}`);
  await refused(t, `${site.base}/strip-once?file=${enc('....//secret.txt')}`);
  await served(t, `${site.base}/strip?file=report.txt`, REPORT_TEXT);
  // The deletion joins `sub/../`, which stays under the base.
  await served(t, `${site.base}/strip?file=${enc('sub/....//report.txt')}`, REPORT_TEXT);
  await served(t, `${site.base}/strip-once?file=NOTES.TXT`, NOTES);
});

t.test('trimmed and NFKC-normalized names', async (t) => {
  await refused(t, `${site.base}/normalized?file=${enc('．．/secret.txt')}`);
  await refused(t, `${site.base}/normalized?file=${enc('  ../secret.txt  ')}`);
  await refused(t, `${site.base}/normalized?file=${enc('．．／．．／canary.txt')}`);
  await served(t, `${site.base}/normalized?file=${enc(' ｒｅｐｏｒｔ.txt ')}`, REPORT_TEXT);
});

t.test('names cut to a length', async (t) => {
  const attack = '././../../canary.txt' + 'x'.repeat(10) + '.png';
  t.equal(attack.slice(0, 20), '././../../canary.txt', 'the cut lands after the name');
  await refused(t, `${site.base}/cut?name=${enc(attack)}`);
  await served(t, `${site.base}/cut?name=report.txt`, REPORT_TEXT);
});

t.test('%2e%2e%2f forms through query, body and path segment', async (t) => {
  const forms = [
    '%2e%2e%2f%2e%2e%2fcanary.txt',
    '%2E%2E%2F%2E%2E%2Fcanary.txt',
    '%2e%2e/%2e%2e/canary.txt',
    '..%2f..%2fcanary.txt',
    '.%2e/.%2E/canary.txt',
  ];
  for (const form of forms) {
    // query and body: the framework decodes once, the app once more (so double-encode)
    await refused(t, `${site.base}/q?file=${enc(form)}`);
    await refused(t, `${site.base}/b`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `file=${enc(form)}` });
    await refused(t, `${site.base}/q?file=${form.replace(/%/g, '%25')}`);
    // path segment: sent raw, decoded by the app
    await refused(t, `/p/${form}`);
  }
  // literal names: the app does not decode, the path stays under the base (ENOENT, no 403)
  for (const form of ['%2e%2e%2f%2e%2e%2fcanary.txt', '%2e%2e/%2e%2e/canary.txt', '%c0%ae%c0%ae/%c0%ae%c0%ae/canary.txt']) {
    const res = await request(`${site.base}/q-as-is?file=${enc(form)}`);
    t.equal(res.status, 500, `${form} read as a name under the base`);
    t.equal(res.text, 'cannot read: ENOENT');
    t.equal(events.attacks().length, 0, 'not flagged');
  }
  // overlong UTF-8: decodeURIComponent throws, nothing reaches fs
  const overlong = await request(`${site.base}/q?file=${enc('%c0%ae%c0%ae%c0%af')}`);
  t.equal(overlong.status, 500);
  t.equal(events.attacks().length, 0);
  await served(t, `${site.base}/q?file=${enc('report%2etxt')}`, REPORT_TEXT);
  await served(t, `/p/report%2etxt`, REPORT_TEXT);
  await served(t, `${site.base}/b`, REPORT_TEXT, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'file=report.txt' });
});

t.test('the process is still up and serving', async (t) => {
  await served(t, `${site.base}/lower?file=REPORT.TXT`, REPORT_TEXT);
  t.ok(process.pid > 0);
});
