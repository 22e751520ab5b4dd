'use strict';
// Wrapper cost of each hooked call over a cheap underlying operation, as a ratio to the
// original function captured before rampart started, in the same process. Calls run inside
// a request context holding 10 realistic inputs, so the guard does its full work.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const childProcess = require('node:child_process');
const { pairedRatio } = require('../lib/measure');

const ROOT = path.join(__dirname, '..', '..');

async function runHooks(options = {}) {
  const rampart = require(ROOT);
  return rampart.withInput(CONTEXT_INPUTS, () => measureHooks(rampart, options));
}

const CONTEXT_INPUTS = [
  { source: 'headers', name: 'user-agent', value: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36' },
  { source: 'headers', name: 'accept', value: 'text/html,application/xhtml+xml' },
  { source: 'query', name: 'page', value: '2' },
  { source: 'query', name: 'sort', value: 'name' },
  { source: 'query', name: 'q', value: 'winter boots' },
  ...Array.from({ length: 5 }, (_, i) => ({ source: 'body', name: `field${i}`, value: `value number ${i}` })),
];

async function measureHooks(rampart, { pairs = 7, timeMs = 150, only } = {}) {
  // Originals, taken before rampart patches anything.
  const Database = require('better-sqlite3');
  const original = {
    statSync: fs.statSync,
    prepare: Database.prototype.prepare,
    execFile: childProcess.execFile,
    request: http.request,
  };
  rampart.start({ logLevel: 'silent' });
  // Every call runs inside the one request context entered by runHooks, as the sink calls
  // of a request do; a request's one-time input collection is measured in micro/inputs.js.
  const results = [];
  const want = (name) => !only || only.includes(name);

  if (want('fs.statSync')) {
    const file = path.join(ROOT, 'package.json');
    results.push(await pairedRatio('fs.statSync (cached)', (() => original.statSync(file)), (() => fs.statSync(file)), { pairs, timeMs, batch: 100 }));
  }
  if (want('better-sqlite3')) {
    const db = new Database(':memory:');
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('winter boots'), ('summer hat')");
    // The cheap operation: a prepared statement's get with a bound parameter.
    const prepared = original.prepare.call(db, 'SELECT id, name FROM t WHERE name = ?');
    const wrappedPrepared = db.prepare('SELECT id, name FROM t WHERE name = ?');
    results.push(await pairedRatio('better-sqlite3 prepared get (in-memory)', () => prepared.get('winter boots'), () => wrappedPrepared.get('winter boots'), { pairs, timeMs, batch: 100 }));
    // Harder, reported but not gated: prepare + get with the input inside the SQL text, so
    // the detector finds it and tokenizes the query on every call.
    const sql = "SELECT id, name FROM t WHERE name = 'winter boots'";
    results.push({ ...(await pairedRatio('better-sqlite3 prepare+get, input in SQL text', () => original.prepare.call(db, sql).get(), () => db.prepare(sql).get(), { pairs, timeMs, batch: 20 })), gated: false });
  }
  if (want('child_process.execFile')) {
    const run = (fn) => () => new Promise((resolve, reject) => fn('true', [], (error) => (error ? reject(error) : resolve())));
    results.push(await pairedRatio('child_process.execFile true', (run(original.execFile)), (run(childProcess.execFile)), { pairs: Math.min(pairs, 5), timeMs: Math.max(timeMs, 300) }));
  }
  if (want('http.request')) {
    const server = http.createServer((req, res) => res.end('ok'));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const port = server.address().port;
    const get = (fn) => () => new Promise((resolve, reject) => {
      const req = fn({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    results.push(await pairedRatio('http.request keep-alive loopback', (get(original.request)), (get(http.request)), { pairs, timeMs }));
    agent.destroy();
    server.close();
  }
  rampart.stop();
  return results;
}

module.exports = { runHooks };

if (require.main === module) {
  runHooks().then((r) => console.table(r), (e) => { console.error(e); process.exit(1); });
}
