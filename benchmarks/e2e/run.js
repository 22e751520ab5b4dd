'use strict';
// End-to-end load: each example app runs as baseline (no agent), floor (only an
// AsyncLocalStorage.run per request), rampart monitor and rampart block. Runs alternate in
// one session, rotating the order each round, and each variant is compared with the
// baseline of the same round; the reported figure is the median of those ratios.
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const { readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const autocannon = require('autocannon');
const { median, round } = require('../lib/stats');

const ROOT = path.join(__dirname, '..', '..');

const VARIANTS = {
  baseline: { args: [], env: {} },
  floor: { args: ['--require', path.join(__dirname, 'floor.js')], env: {} },
  monitor: { args: ['--require', 'rampart/register'], env: { RAMPART_MODE: 'monitor', RAMPART_LOG_LEVEL: 'warn' } },
  block: { args: ['--require', 'rampart/register'], env: { RAMPART_MODE: 'block', RAMPART_LOG_LEVEL: 'warn' } },
};

const APPS = {
  'express-hello': { file: 'express-hello.js', path: '/hello?name=world' },
  'express-sqlite': { file: 'express-sqlite.js', path: '/users?name=user42' },
  'express-pg': { file: 'express-pg.js', path: '/users?name=user42' },
  'fastify-hello': { file: 'fastify-hello.js', path: '/hello?name=world' },
};

/** Starts one app as one variant; `nodeArgs` go before the variant's, `ipc` opens a channel. */
async function startApp(appName, variantName, { nodeArgs = [], ipc = false } = {}) {
  const app = APPS[appName];
  const variant = VARIANTS[variantName];
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, ...variant.args, path.join(__dirname, 'apps', app.file)], {
    cwd: ROOT,
    env: { ...process.env, ...variant.env },
    stdio: ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const msg = JSON.parse(line);
        if (msg.listening) resolve(msg.listening);
      } catch {
        // other output
      }
    });
    child.once('exit', (code) => reject(new Error(`${appName}/${variantName} exited with ${code}`)));
  });
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { child, url: `http://127.0.0.1:${port}${app.path}`, startupMs, variant: variantName };
}

function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/**
 * CPU time the process has run so far, in nanoseconds, summed over its threads (the main
 * thread, V8's GC helpers, libuv's pool) from the scheduler's own accounting, which leaves
 * out time stolen by the host. NaN where /proc is not available.
 */
function cpuNs(pid) {
  try {
    let total = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    }
    return total;
  } catch {
    return NaN;
  }
}

/**
 * One load run against one instance: requests/s and latency as autocannon saw them, and the
 * app's CPU time per request. The CPU time is the steadier figure on a shared machine: a
 * run's throughput moves with the host's load and with the load generator, which shares
 * the cores, while the work the app does per request barely does.
 */
async function load(instance, seconds, connections) {
  const cpuBefore = cpuNs(instance.child.pid);
  const result = await autocannon({ url: instance.url, connections, duration: seconds, pipelining: 1 });
  const cpuAfter = cpuNs(instance.child.pid);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load against ${instance.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const total = result.requests.total;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total, cpuUs: (cpuAfter - cpuBefore) / 1000 / total };
}

/**
 * Measures one app in every variant. Returns per-variant medians of ratios to baseline,
 * plus startup time and RSS before/after. With `processes` > 1 each variant runs in that
 * many processes, and a round's figure for a variant is the median over its processes:
 * two processes of the same app can differ by 10 % or more on this machine kind.
 */
async function benchApp(appName, { rounds = 3, seconds = 3, connections = 16, warmupSeconds = 3, processes = 1, variants = Object.keys(VARIANTS), concurrent = false } = {}) {
  const running = Object.fromEntries(variants.map((v) => [v, []]));
  const all = () => variants.flatMap((v) => running[v]);
  try {
    for (let k = 0; k < processes; k++) for (const v of variants) running[v].push(await startApp(appName, v));
    for (const instance of all()) await load(instance, warmupSeconds, connections); // warm-up
    const rssOf = (v) => median(running[v].map((instance) => rssMb(instance.child.pid)));
    const rssStart = Object.fromEntries(variants.map((v) => [v, rssOf(v)]));
    const samples = Object.fromEntries(variants.map((v) => [v, []]));
    for (let r = 0; r < rounds; r++) {
      const order = variants.slice(r % variants.length).concat(variants.slice(0, r % variants.length));
      const loaded = new Map();
      if (concurrent) {
        // The k-th process of every variant under load at once: whatever the host does to
        // the machine in that window, it does to each variant alike.
        for (let k = 0; k < processes; k++) {
          const instances = variants.map((v) => running[v][k]);
          const results = await Promise.all(instances.map((instance) => load(instance, seconds, connections)));
          instances.forEach((instance, i) => loaded.set(instance, results[i]));
        }
      }
      for (const v of order) {
        const each = [];
        for (const instance of running[v]) each.push(loaded.get(instance) ?? (await load(instance, seconds, connections)));
        samples[v].push({
          rps: median(each.map((s) => s.rps)),
          p50: median(each.map((s) => s.p50)),
          p99: median(each.map((s) => s.p99)),
          cpuUs: median(each.map((s) => s.cpuUs)),
          total: each.reduce((n, s) => n + s.total, 0),
        });
      }
    }
    const rssEnd = Object.fromEntries(variants.map((v) => [v, rssOf(v)]));
    const rows = variants.map((v) => {
      const ratios = samples[v].map((s, i) => s.rps / samples.baseline[i].rps);
      // Capacity: the throughput the app would reach on a core of its own, baseline CPU per
      // request over this variant's, from the same round.
      const capacity = samples[v].map((s, i) => samples.baseline[i].cpuUs / s.cpuUs);
      const p50 = samples[v].map((s, i) => s.p50 / Math.max(samples.baseline[i].p50, 0.001));
      const p99 = samples[v].map((s, i) => s.p99 / Math.max(samples.baseline[i].p99, 0.001));
      return {
        app: appName,
        variant: v,
        'req/s': Math.round(median(samples[v].map((s) => s.rps))),
        'throughput ratio': round(median(ratios)),
        'cpu µs/req': round(median(samples[v].map((s) => s.cpuUs)), 1),
        'capacity ratio': round(median(capacity)),
        'p50 ms': median(samples[v].map((s) => s.p50)),
        'p99 ms': median(samples[v].map((s) => s.p99)),
        'p99 ratio': round(median(p99)),
        'p50 ratio': round(median(p50)),
        'startup ms': Math.round(median(running[v].map((instance) => instance.startupMs))),
        'rss MB start': round(rssStart[v], 1),
        'rss MB end': round(rssEnd[v], 1),
        requests: samples[v].reduce((n, s) => n + s.total, 0),
      };
    });
    return rows;
  } finally {
    for (const instance of all()) {
      instance.child.kill();
      await once(instance.child, 'exit').catch(() => {});
    }
  }
}

module.exports = { benchApp, startApp, APPS, VARIANTS };
