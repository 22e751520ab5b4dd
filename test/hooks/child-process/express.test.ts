// End to end over real HTTP: an express route that shells out with a query parameter.
import type { Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../../src/index';
import { closeServer, listen, request } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { sandbox } from './sandbox';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { exec } = require('node:child_process') as typeof import('node:child_process');
const box = sandbox();
t.teardown(box.cleanup);

const app = express();
// The classic vulnerable route: the directory name goes straight into a shell command.
app.get('/files', (req, res) => {
  exec(`ls ${String(req.query.dir)}`, { cwd: box.root }, (error, stdout, stderr) => {
    if (error) res.status(500).json({ error: stderr });
    else res.json(stdout.split('\n').filter(Boolean));
  });
});
// The app's own error handler receives the RampartBlockedError: it cannot undo the 403.
app.use((_error: unknown, _req: import('express').Request, res: import('express').Response, _next: import('express').NextFunction) => {
  res.status(500).json({ error: 'internal error' });
});

let base = '';
let server: Server;
t.before(async () => {
  server = app.listen(0, '127.0.0.1');
  server.close();
  base = await listen(server);
});
t.teardown(() => closeServer(server));

t.test('benign directory: the files are listed', async (t) => {
  const res = await request(`${base}/files?dir=listing`);
  t.equal(res.status, 200);
  t.same(res.json(), ['a.txt', 'b.txt']);
  const missing = await request(`${base}/files?dir=nope`);
  t.equal(missing.status, 500, "the app's own error path still works");
  t.match((missing.json() as { error: string }).error, /No such file/);
  t.equal(events.attacks().length, 0);
});

t.test('; touch canary: 403 with the request id, canary absent', async (t) => {
  const res = await request(`${base}/files?dir=${encodeURIComponent(`listing; touch ${box.canary}`)}`);
  t.equal(res.status, 403, "403, not the app's 500");
  const body = res.json() as { requestId: string };
  t.notOk(box.canaryExists(), 'canary absent');
  const [event] = events.attacks();
  t.equal(event?.attributes['rampart.request.id'], body.requestId);
  t.equal(event?.attributes['rampart.sink'], 'child_process.exec');
  t.equal(event?.attributes['rampart.input.source'], 'query');
  t.equal(event?.attributes['rampart.input.path'], 'dir');
  t.equal(event?.attributes['url.path'], '/files');
  events.reset();
});

t.test('reading a secret through $(...) or printing a marker: 403, nothing leaks', async (t) => {
  for (const dir of ['$(cat secret.txt)', 'listing && echo PWNED-MARKER']) {
    const res = await request(`${base}/files?dir=${encodeURIComponent(dir)}`);
    t.equal(res.status, 403, dir);
    t.notMatch(res.text, box.secretText);
    t.notMatch(res.text, 'PWNED-MARKER');
  }
  t.equal(events.attacks().length, 2);
  events.reset();
  t.equal((await request(`${base}/files?dir=listing`)).status, 200, 'the server keeps serving');
});
