// A request's inputs must not outlive it. After the response, nothing rampart keeps holds
// the request's body: not the detectors' memos of derived input data (SQL forms of long
// values, path checks, SSRF host facts), not the fs gate's last inputs, not the index of a
// long query. Before stop 23 the memos kept the last eight inputs arrays they had seen, so
// eight large requests stayed pinned in an idle server (docs/hardening.md, "What a request
// leaves behind"). Measured as the heap after a full collection: a string cannot be watched
// with a WeakRef.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, get, globalAgent, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import { start, stop } from '../../src/index';
import { postJson, serveOnLoopback } from '../helpers/http';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

start({ mode: 'block', logLevel: 'silent' });
t.teardown(stop);

// Loaded after start() so the driver and the framework are hooked.
/* eslint-disable @typescript-eslint/no-require-imports */
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const express = require('express') as typeof import('express');
/* eslint-enable @typescript-eslint/no-require-imports */

const dir = mkdtempSync(join(tmpdir(), 'rampart-request-memory-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'report.txt'), 'report');

const db = new Database(join(dir, 'notes.db'));
t.teardown(() => db.close());
db.exec('CREATE TABLE notes (body TEXT)');

// An outbound call per request, so the SSRF check runs over the request's inputs too.
const upstream = createServer((_req, res) => res.end('ok'));
const upstreamSite = serveOnLoopback(t, upstream);

function fetchUpstream(): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${upstreamSite.base}/status`, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
}

const app = express();
app.use(express.json({ limit: '20mb' }));
app.post('/notes', async (req, res, next) => {
  try {
    const note = String(req.body.note);
    // A file operation (path check), a long statement holding the note (the SQL check of a
    // long value, and the pair index of a long query), an outbound call (SSRF check).
    statSync(join(dir, 'report.txt'));
    db.exec(`INSERT INTO notes (body) VALUES ('${note.replace(/'/g, "''")}')`);
    const upstreamSays = await fetchUpstream();
    res.json({ stored: note.length, upstream: upstreamSays });
  } catch (error) {
    next(error);
  }
});
// A long note stored with a short tag, the tag unescaped in several rows: a tag that closes
// its literal is an injection, refused, and its finding (redacted statement and all) made
// from the long statement.
app.post('/tagged-notes', (req, res, next) => {
  try {
    const note = String(req.body.note).replace(/'/g, "''");
    const tag = String(req.body.tag);
    const tagRows = Array.from({ length: 12 }, () => `('${tag}')`).join(', ');
    db.exec(`INSERT INTO notes (body) VALUES ('${note}'), ${tagRows}`);
    res.json({ stored: true });
  } catch (error) {
    next(error);
  }
});
const server: Server = createServer(app);
const site = serveOnLoopback(t, server);

async function heapAfterCollection(): Promise<number> {
  // Twice, a turn apart: objects kept alive by the last job's references go in the second.
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
  }
  return process.memoryUsage().heapUsed;
}

/**
 * Sends request `i`'s note, made here so that no frame of the test holds it afterwards (a
 * suspended async function keeps its last values). Distinct text per request: no two
 * requests share a string.
 */
function postNote(i: number): ReturnType<typeof postJson> {
  return postJson(`${site.base}/notes`, { note: `${i}:`.padEnd(NOTE_LENGTH, String.fromCharCode(97 + i)) });
}

const MIB = 1024 * 1024;
const REQUESTS = 8;
const NOTE_LENGTH = 3 * MIB;

t.test('eight large requests leave nothing of their bodies behind', async (t) => {
  // First requests warm up every path (the lazily loaded detectors, the code for long values
  // and long statements, the database), so that code compiled later does not count.
  for (const note of ['warming up', 'w'.repeat(400_000)]) {
    const warm = await postJson(`${site.base}/notes`, { note });
    t.equal(warm.status, 200, `the warm-up request of ${note.length} characters is served`);
  }
  const before = await heapAfterCollection();

  for (let i = 0; i < REQUESTS; i++) {
    const response = await postNote(i);
    t.equal(response.status, 200, `request ${i} is served`);
    t.same(response.json(), { stored: NOTE_LENGTH, upstream: 'ok' }, `request ${i} stored its note and reached the upstream`);
  }
  const rows = db.prepare('SELECT length(body) AS n FROM notes WHERE length(body) = ?').all(NOTE_LENGTH) as { n: number }[];
  t.equal(rows.length, REQUESTS, 'every note is in the database');

  // What Node itself keeps for a while is left to expire, as it does in an idle server: the
  // keep-alive connections (closed here, by the server and by the upstream's agent), and the
  // HTTP date cache's one-second timer, made in whichever request's context formatted the
  // last Date header (it holds that context, as it would hold any AsyncLocalStorage's).
  server.closeAllConnections();
  globalAgent.destroy();
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const grown = (await heapAfterCollection()) - before;
  // The bodies alone are 8 x 3 MiB, their parsed copies as much again, and the indexes of
  // the long statements 4 bytes per character: whatever of them stayed reachable shows.
  t.ok(grown < 2 * MIB, `the heap grew by ${(grown / MIB).toFixed(1)} MiB after the requests (under 2 MiB, less than one note)`);
  t.equal(server.listening, true, 'the server is still up');
});

t.test('a large refused request leaves nothing behind either (the finding redacts its query)', async (t) => {
  const note = (i: number) => `${i}:`.padEnd(NOTE_LENGTH, String.fromCharCode(107 + i));
  const warm = await postJson(`${site.base}/tagged-notes`, { note: note(9), tag: 'benign tag' });
  t.equal(warm.status, 200, 'the benign twin is stored');
  t.equal((db.prepare("SELECT COUNT(*) AS n FROM notes WHERE body = 'benign tag'").get() as { n: number }).n, 12, 'with its twelve tag rows');
  const attackOf = (i: number) => postJson(`${site.base}/tagged-notes`, { note: note(i), tag: "x'); DROP TABLE notes; --" });
  // What Node keeps for a while (the connection, the date cache's timer) is let expire before each measure.
  const settled = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    return heapAfterCollection();
  };
  t.equal((await attackOf(0)).status, 403, 'a first large injection is refused'); // warms the finding path
  const before = await settled();
  t.equal((await attackOf(1)).status, 403, 'the large injection is refused');
  t.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'notes'").get() !== undefined, 'the notes table is still there');
  // Nothing guarded runs after the refusal: what the check and the finding searched must go with it.
  const grown = (await settled()) - before;
  t.ok(grown < 2 * MIB, `the heap grew by ${(grown / MIB).toFixed(1)} MiB after the refusal (under 2 MiB, less than its note)`);
  t.equal(server.listening, true, 'the server is still up');
});
