'use strict';
// `npm run bench`: every benchmark, printed as markdown tables and written as JSON to
// benchmarks/results/latest.json.
const { mkdirSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { markdownTable, round } = require('./lib/stats');
const { runDetectors } = require('./micro/detectors');
const { runHooks } = require('./micro/hooks');
const { runInputs } = require('./micro/inputs');
const { runSqlDrivers } = require('./micro/sql-drivers');
const { runLargeRequest } = require('./micro/large-request');
const { runLinearGrowth } = require('./micro/linear-growth');
const { spawnSync } = require('node:child_process');
const { benchApp } = require('./e2e/run');
const { memoryGrowth } = require('./e2e/memory');
const { runStartup, startupRows } = require('./startup/run');

function machine() {
  return `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

async function main() {
  const args = new Set(process.argv.slice(2));
  const quick = args.has('--quick');
  const out = { machine: machine(), date: new Date().toISOString() };
  console.log(`# rampart benchmarks\n\nMachine: ${out.machine}\n`);

  // First, before the load runs below warm anything else up.
  out.startup = runStartup({ pairs: quick ? 9 : 21 });
  console.log('## Start-up (node --require rampart/register vs bare node; CPU user+sys and peak RSS, medians of alternating pairs)\n');
  console.log(markdownTable(startupRows(out.startup)));
  console.log('');

  out.detectors = await runDetectors({ timeMs: quick ? 100 : 400 });
  console.log('## Detectors (per check)\n');
  console.log(markdownTable(out.detectors.map((r) => ({ case: r.name, path: r.group, 'median ns': Math.round(r.medianNs), 'p99 ns': Math.round(r.p99Ns) }))));

  out.hooks = await runHooks({ pairs: quick ? 3 : 9, timeMs: quick ? 100 : 200 });
  console.log('\n## Hook overhead (same process, inside a request context with 10 inputs)\n');
  console.log(markdownTable(out.hooks.map((r) => ({ call: r.name, 'original ns': Math.round(r.originalNs), 'wrapped ns': Math.round(r.wrappedNs), ratio: round(r.ratio) }))));

  out.sqlDrivers = await runSqlDrivers({ rounds: quick ? 3 : 9, calls: quick ? 100 : 300 });
  console.log('\n## SQL drivers, per query (real PostgreSQL / MariaDB / in-memory SQLite, inside a request context; ratio = wrapped / unwrapped)\n');
  const measured = out.sqlDrivers.filter((r) => r.skipped === undefined);
  console.log(markdownTable(measured.map((r) => ({ driver: r.driver, call: r.call, query: r.query, 'unwrapped µs': round(r.originalNs / 1000, 1), 'wrapped µs': round(r.wrappedNs / 1000, 1), ratio: round(r.ratio) }))));
  for (const r of out.sqlDrivers.filter((x) => x.skipped !== undefined)) console.log(`${r.driver} skipped: ${r.skipped}`);

  out.inputs = await runInputs({ timeMs: quick ? 100 : 300 });
  console.log('\n## Input collection per request\n');
  console.log(markdownTable(out.inputs.map((r) => ({ case: r.name, 'median ns': Math.round(r.medianNs), 'p99 ns': Math.round(r.p99Ns) }))));

  out.largeRequest = await runLargeRequest({ timeMs: quick ? 300 : 1000, hostileRuns: quick ? 1 : 3 });
  console.log('\n## Large requests (per request; ratios to what the app does for the request without rampart)\n');
  console.log(markdownTable(out.largeRequest.rows.map((r) => ({ case: r.name, 'median ms': round(r.medianNs / 1e6, 2) }))));
  console.log(`\nRatios: 10,000-field form ${round(out.largeRequest.formRatio)}x its parse; 1,000-row bulk INSERT check ${round(out.largeRequest.bulkRatio)}x its request (JSON body parsed + INSERT). Work units: form ${out.largeRequest.formUnits}, bulk ${out.largeRequest.bulkUnits} of ${out.largeRequest.budget}.\n`);
  console.log('Hostile checks under the default budget (cold, CPU time):\n');
  console.log(markdownTable(out.largeRequest.hostile.map((h) => ({ shape: h.shape, verdict: h.verdict, units: h.units, 'check ms': round(h.checkMs, 1), 'request ms': round(h.requestMs, 1), ratio: round(h.ratio) }))));

  out.linearGrowth = runLinearGrowth();
  const byGrowth = [...out.linearGrowth].sort((a, b) => b.growth - a.growth);
  console.log(`\n## Linear cost: ${byGrowth.length} hostile megabyte cases, CPU growth from 128 KiB to 1 MiB (linear about 8, quadratic 64); the largest:\n`);
  console.log(markdownTable(byGrowth.slice(0, 5).map((r) => ({ detector: r.detector, case: r.case, '128 KiB ms': round(r.smallMs, 1), '1 MiB ms': round(r.largeMs, 1), growth: round(r.growth, 1) }))));

  // Reporting registers a global OpenTelemetry SDK, so it runs in a process of its own.
  console.log('\n## Reporting one finding\n');
  const report = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'report.js')], { encoding: 'utf8' });
  console.log(report.stdout.trim());
  out.report = report.stdout;

  out.e2e = [];
  for (const app of ['express-hello', 'express-sqlite', 'express-pg', 'fastify-hello']) {
    try {
      out.e2e.push(...(await benchApp(app, { rounds: quick ? 2 : 5, seconds: quick ? 2 : 5 })));
    } catch (error) {
      console.error(`e2e ${app} skipped: ${error.message}`);
    }
  }
  console.log('\n## End to end (autocannon, 16 connections; ratios are medians of per-round ratios to baseline)\n');
  console.log(markdownTable(out.e2e));

  // The route that runs the most of rampart per request: a SQL check with the input in the query.
  out.memory = await memoryGrowth('express-sqlite', { requests: quick ? 20_000 : 100_000 });
  console.log('\n## Memory over a long run (heap after a full GC)\n');
  console.log(markdownTable(out.memory));

  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(out, null, 2));
  console.log(`\nJSON written to ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
