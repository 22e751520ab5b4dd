// Express over real HTTP: res.sendFile and express.static (send: fs.stat +
// createReadStream) behave as before, send's own 403 for `..` is untouched, and a route
// that joins a query parameter to its base directory is protected end to end.
import type { Server } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import t from 'tap';
import { start, stop } from '../../../src/index';
import { request, serveOnLoopback } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { REPORT_TEXT, makeSandbox } from './sandbox';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const path = require('node:path') as typeof import('node:path');

const box = makeSandbox('express');
const BASE = box.base;
const SECRET = 'SECRET-e2e-4b1d';
writeFileSync(join(BASE, '..', 'secret.txt'), SECRET);

const app = express();
app.get('/download', (req, res) => res.sendFile(String(req.query.name), { root: BASE }));
app.get('/download-joined', (req, res) => res.sendFile(path.join(BASE, String(req.query.name))));
app.use('/static', express.static(BASE));
// The vulnerable pattern: a user-chosen name joined to a base directory.
app.get('/read', (req, res) => {
  fs.readFile(path.join(BASE, String(req.query.file)), 'utf8', (err, data) => {
    if (err) res.status(500).send(`cannot read: ${err.message}`);
    else res.type('text/plain').send(data);
  });
});

const server: Server = app.listen();
const site = serveOnLoopback(t, server);

t.test('e2e: fs.readFile(path.join(BASE, req.query.file))', async (t) => {
  const ok = await request(`${site.base}/read?file=report.txt`);
  t.equal(ok.status, 200);
  t.equal(ok.text, REPORT_TEXT);
  t.equal(events.attacks().length, 0);
  const attack = await request(`${site.base}/read?file=${encodeURIComponent('../secret.txt')}`);
  t.equal(attack.status, 403);
  t.notMatch(attack.text, SECRET, 'secret not in the response');
  t.notMatch(attack.text, /cannot read/, "the app's own error page did not get through");
  const body = attack.json() as { requestId: string };
  const [event] = events.attacks();
  t.equal(event?.attributes['rampart.sink'], 'fs.readFile');
  t.equal(event?.attributes['rampart.input.source'], 'query');
  t.equal(event?.attributes['rampart.input.path'], 'file');
  t.equal(event?.attributes['file.path'], join(BASE, '..', 'secret.txt'));
  t.equal(event?.attributes['rampart.request.id'], body.requestId);
  events.reset();
  const after = await request(`${site.base}/read?file=report.txt`);
  t.equal(after.text, REPORT_TEXT, 'the server keeps serving');
});

t.test('res.sendFile with root: files served, 404 stays 404, send keeps its own 403 for ..', async (t) => {
  const ok = await request(`${site.base}/download?name=report.txt`);
  t.equal(ok.status, 200);
  t.equal(ok.text, REPORT_TEXT);
  t.equal((await request(`${site.base}/download?name=missing.txt`)).status, 404);
  const up = await request(`${site.base}/download?name=${encodeURIComponent('../secret.txt')}`);
  t.equal(up.status, 403, "send's 403");
  t.equal(up.headers.get('x-rampart-request-id'), null, 'refused by send, before any fs call');
  t.notMatch(up.text, SECRET);
  t.equal(events.attacks().length, 0);
});

t.test('res.sendFile of a joined absolute path: send cannot see the .., the hook refuses it', async (t) => {
  t.equal((await request(`${site.base}/download-joined?name=report.txt`)).text, REPORT_TEXT);
  const attack = await request(`${site.base}/download-joined?name=${encodeURIComponent('../secret.txt')}`);
  t.equal(attack.status, 403);
  t.not(attack.headers.get('x-rampart-request-id'), null);
  t.notMatch(attack.text, SECRET);
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'fs.stat');
  events.reset();
});

t.test('express.static: files served, 404 stays 404, encoded .. still not served', async (t) => {
  const ok = await request(`${site.base}/static/report.txt`);
  t.equal(ok.status, 200);
  t.equal(ok.text, REPORT_TEXT);
  t.equal((await request(`${site.base}/static/missing.txt`)).status, 404);
  const up = await request(`${site.base}/static/%2e%2e/secret.txt`);
  t.equal(up.status, 404, 'serve-static falls through on send 403, as without rampart');
  t.notMatch(up.text, SECRET);
  t.equal(events.attacks().length, 0);
});
