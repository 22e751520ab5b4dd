// `npm run demo`: starts the vulnerable example app under rampart in block mode and in
// monitor mode, sends benign and malicious requests, and prints what happened.
'use strict';
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const readline = require('node:readline');
const path = require('node:path');

const APP = path.join(__dirname, 'app.js');

const REQUESTS = [
  { label: 'benign lookup', method: 'GET', url: '/users?name=alice' },
  // The vulnerable /users route would break on the quote itself (unterminated string): the
  // quoted name goes to the parameterized route.
  { label: "o'brien via the safe route /users/safe", method: 'GET', url: "/users/safe?name=o'brien" },
  { label: "injection ' OR '1'='1", method: 'GET', url: "/users?name=" + encodeURIComponent("' OR '1'='1") },
  { label: 'UNION injection', method: 'GET', url: '/users?name=' + encodeURIComponent("x' UNION SELECT 1, sqlite_version(), 3 --") },
  { label: 'benign note', method: 'POST', url: '/notes', body: { note: 'remember the milk' } },
  { label: 'stacked DROP TABLE', method: 'POST', url: '/notes', body: { note: "x'); DROP TABLE users; --" } },
  { label: 'tables left afterwards', method: 'GET', url: '/tables' },
];

async function runApp(mode) {
  const child = spawn(process.execPath, ['--require', 'rampart/register', APP], {
    cwd: path.join(__dirname, '..', '..'),
    env: { ...process.env, PORT: '0', RAMPART_MODE: mode, RAMPART_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const findings = [];
  let port;
  const lines = readline.createInterface({ input: child.stdout });
  const listening = new Promise((resolve) => {
    lines.on('line', (line) => {
      let msg;
      try { msg = JSON.parse(line); } catch { return; }
      if (msg.listening) { port = msg.listening; resolve(); }
      if (msg.event === 'rampart.attack') findings.push(msg);
    });
  });
  await listening;
  console.log(`\n=== rampart mode: ${mode} ===`);
  for (const r of REQUESTS) {
    const res = await fetch(`http://127.0.0.1:${port}${r.url}`, {
      method: r.method,
      headers: r.body ? { 'content-type': 'application/json' } : {},
      body: r.body ? JSON.stringify(r.body) : undefined,
    });
    const text = await res.text();
    console.log(`${String(res.status).padEnd(4)} ${r.label.padEnd(40)} ${text.slice(0, 90)}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the async log lines arrive
  child.kill();
  await once(child, 'exit');
  console.log(`findings reported: ${findings.length}`);
  for (const f of findings) {
    console.log(`  ${f['rampart.action']} ${f['rampart.attack.kind']} at ${f['rampart.sink']} from ${f['rampart.input.source']}.${f['rampart.input.path']} (${f['security_rule.name']})`);
  }
}

(async () => {
  await runApp('block');
  await runApp('monitor');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
