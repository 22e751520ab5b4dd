'use strict';
// `npm run bench:check`: a short, noise-resistant run (interleaved runs, medians of
// ratios) compared with budgets.json; exits 1 on a breach, printing the offending figures.
const budgets = require('./budgets.json');
const { markdownTable, round } = require('./lib/stats');
const { runDetectors } = require('./micro/detectors');
const { runHooks } = require('./micro/hooks');
const { runSqlDrivers } = require('./micro/sql-drivers');
const { runLargeRequest } = require('./micro/large-request');
const { runLinearGrowth } = require('./micro/linear-growth');
const { benchApp } = require('./e2e/run');
const { runStartup } = require('./startup/run');

// A breach is confirmed by a second, longer measurement before the gate fails: on a shared
// 2-core machine a single short run can dip from noise alone.
async function confirmed(measureOnce, withinBudget, retryOptions) {
  const first = await measureOnce();
  if (withinBudget(first)) return first;
  return measureOnce(retryOptions);
}

async function main() {
  const breaches = [];
  const rows = [];
  const record = (what, value, limit, ok) => {
    rows.push({ measurement: what, value, budget: limit, ok: ok ? 'yes' : 'NO' });
    if (!ok) breaches.push(`${what}: ${value} (budget ${limit})`);
  };

  // Start-up: rampart's CPU time and peak memory against bare node, medians of pairs, on
  // the running Node and (the empty program) on the newest LTS line.
  const startup = budgets.startup;
  // Over the floor (bare node loading the builtins rampart's start loaded): rampart's own code.
  const overFloorWithin = (r) => startup.cases[r.name].maxPeakMiBOverFloor === undefined || r.rssMiBOverFloor < startup.cases[r.name].maxPeakMiBOverFloor;
  const startupWithin = (r) => r.cpuRatio < startup.cases[r.name].maxCpuRatio && r.rssMiBDelta < startup.cases[r.name].maxPeakMiBDelta && overFloorWithin(r);
  const startupRows = await confirmed(
    async (o) => runStartup(o ?? { pairs: 15 }),
    (all) => all.every(startupWithin),
    { pairs: 31 },
  );
  for (const r of startupRows) {
    const limits = startup.cases[r.name];
    // A case that could not be measured (its Node binary could not be had) is a breach, not a pass.
    if (r.notMeasured !== undefined) {
      record(`start-up: ${r.name}`, `not measured: ${r.notMeasured}`, 'measured', false);
      continue;
    }
    record(`start-up CPU ratio: ${r.name}`, `${r.cpuRatio} (${r.bareCpuMs} → ${r.rampartCpuMs} ms, Δ ${r.cpuMsDelta} ms)`, `< ${limits.maxCpuRatio}`, r.cpuRatio < limits.maxCpuRatio);
    record(`start-up Δ peak MiB: ${r.name}`, `${r.rssMiBDelta} (${r.bareRssMiB} → ${r.rampartRssMiB})`, `< ${limits.maxPeakMiBDelta}`, r.rssMiBDelta < limits.maxPeakMiBDelta);
    rows.push({
      measurement: `start-up floor (reported): ${r.name}, bare node loading what rampart loads: ${r.floorBuiltins.join(' ') || 'nothing'}`,
      value: `Δ ${round(r.floorCpuMs - r.bareCpuMs, 1)} ms, Δ ${round(r.floorRssMiB - r.bareRssMiB, 2)} MiB over bare (${r.floorCpuMs} ms, ${r.floorRssMiB} MiB)`,
      budget: 'not gated',
      ok: '-',
    });
    const overFloor = `Δ ${r.rssMiBOverFloor} MiB, Δ ${r.cpuMsOverFloor} ms CPU`;
    if (limits.maxPeakMiBOverFloor === undefined) rows.push({ measurement: `start-up over the floor (reported): ${r.name}`, value: overFloor, budget: 'not gated', ok: '-' });
    else record(`start-up Δ peak MiB over the floor: ${r.name}`, overFloor, `< ${limits.maxPeakMiBOverFloor} MiB`, r.rssMiBOverFloor < limits.maxPeakMiBOverFloor);
  }

  const noMatchBudget = budgets.detectors.maxNoMatchMedianNs;
  const gated = (d) => d.group === 'no-match' && budgets.detectors.gatedCases.some((prefix) => d.name.startsWith(prefix));
  // Nanosecond figures move with whatever else the host runs for a few seconds (a CI run saw
  // three cases at 1.7-2x their idle figure while the cases run just before and after them
  // did not move): a breach must hold in each of three confirming runs, and each case keeps
  // its fastest median. A slower detector is slower in every run.
  let detectors = await runDetectors({ timeMs: 150 });
  const detectorsWithin = (all) => all.filter(gated).every((d) => d.medianNs < noMatchBudget);
  for (let again = 0; again < 3 && !detectorsWithin(detectors); again++) {
    const rerun = await runDetectors({ timeMs: 400 });
    detectors = detectors.map((d) => {
      const other = rerun.find((r) => r.name === d.name);
      return other !== undefined && other.medianNs < d.medianNs ? other : d;
    });
  }
  for (const d of detectors.filter(gated)) {
    record(`detector no-match median ns: ${d.name}`, Math.round(d.medianNs), `< ${noMatchBudget}`, d.medianNs < noMatchBudget);
  }

  const hookBudget = budgets.hooks.maxOverheadRatio;
  const hooks = await confirmed(
    (o) => runHooks(o ?? { pairs: 5, timeMs: 100 }),
    (all) => all.every((h) => h.gated === false || h.ratio < (budgets.hooks.perCall?.[h.name] ?? hookBudget)),
    { pairs: 9, timeMs: 200 },
  );
  for (const h of hooks.filter((x) => x.gated !== false)) {
    const limit = budgets.hooks.perCall?.[h.name] ?? hookBudget;
    record(`hook overhead ratio: ${h.name}`, round(h.ratio), `< ${limit}`, h.ratio < limit);
  }

  // Per-query overhead through the real drivers: needs the local PostgreSQL and MariaDB; a
  // driver that cannot be measured counts as a breach, not as a pass.
  const sql = budgets.sqlDrivers;
  const caseName = (r) => `${r.driver} ${r.call} / ${r.query}`;
  const sqlLimit = (name) => sql.perCase?.[name] ?? sql.maxOverheadRatio;
  const sqlDrivers = [...new Set(sql.gatedCases.map((name) => name.split(' ')[0]))];
  const gatedRow = (rows, name) => rows.find((r) => r.skipped === undefined && caseName(r) === name);
  const driverRows = await confirmed(
    (o) => runSqlDrivers(o ?? { rounds: 5, calls: 200, only: sqlDrivers }),
    (rows) => sql.gatedCases.every((name) => gatedRow(rows, name)?.ratio < sqlLimit(name)),
    { rounds: 9, calls: 300, only: sqlDrivers },
  );
  for (const name of sql.gatedCases) {
    const row = gatedRow(driverRows, name);
    const skipped = driverRows.find((r) => r.skipped !== undefined && r.driver === name.split(' ')[0]);
    if (row === undefined) record(`sql driver overhead ratio: ${name}`, skipped ? `not measured: ${skipped.skipped}` : 'not measured', `< ${sqlLimit(name)}`, false);
    else record(`sql driver overhead ratio: ${name}`, round(row.ratio), `< ${sqlLimit(name)}`, row.ratio < sqlLimit(name));
  }

  // Large requests (issue 17): collecting and searching a large benign request, and the
  // worst check a hostile request can cause under the default budget, each as a ratio to
  // what the app does for that request without rampart.
  const large = budgets.largeRequest;
  const largeWithin = (r) => r.formRatio < large.maxFormRatio && r.bulkRatio < large.maxBulkRatio && r.worstRatio < large.maxWorstHostileRatio;
  const largeRun = await confirmed((o) => runLargeRequest(o ?? { timeMs: 500, hostileRuns: 3 }), largeWithin, { timeMs: 1000, hostileRuns: 5 });
  record('large request: 10,000-field form, collect + check / parse', round(largeRun.formRatio), `< ${large.maxFormRatio}`, largeRun.formRatio < large.maxFormRatio);
  record('large request: 1,000-row bulk INSERT check / its request', round(largeRun.bulkRatio), `< ${large.maxBulkRatio}`, largeRun.bulkRatio < large.maxBulkRatio);
  record(
    `large request: worst hostile check / its request (${largeRun.worstShape}, ${round(largeRun.worstCheckMs, 1)} ms)`,
    round(largeRun.worstRatio),
    `< ${large.maxWorstHostileRatio}`,
    largeRun.worstRatio < large.maxWorstHostileRatio,
  );

  // Linear cost on megabyte payloads: growth from 128 KiB to 1 MiB (linear about 8,
  // quadratic 64). A breaching case is measured again before it counts.
  const maxGrowth = budgets.linearGrowth.maxGrowth;
  const growth = runLinearGrowth();
  const over = growth.filter((r) => r.growth >= maxGrowth);
  const again = over.length === 0 ? [] : runLinearGrowth({ pairs: over });
  const confirmedOver = again.filter((r) => r.growth >= maxGrowth);
  const largest = [...growth.filter((r) => r.growth < maxGrowth), ...again].reduce((a, b) => (b.growth > a.growth ? b : a));
  record(
    `linear growth 128 KiB -> 1 MiB, largest of ${growth.length} (${largest.detector} / ${largest.case})`,
    round(largest.growth, 1),
    `< ${maxGrowth}`,
    confirmedOver.length === 0,
  );
  for (const r of confirmedOver) record(`linear growth: ${r.detector} / ${r.case}`, round(r.growth, 1), `< ${maxGrowth}`, false);

  // End to end, gated on capacity: baseline CPU time per request over rampart's, with the
  // baseline and rampart processes under load in the same window (benchApp `concurrent`).
  // Requests/s alone moved by 10-15 % between runs here (the host's load drifts between two
  // sequential runs, and the load generator shares the 2 cores); the paired CPU figure
  // stayed within a few percent.
  for (const [app, variants] of Object.entries(budgets.e2e)) {
    if (app.startsWith('$')) continue;
    const names = ['baseline', ...Object.keys(variants)];
    const within = (results, v) => results.find((r) => r.variant === v)['capacity ratio'] >= variants[v].minCapacityRatio;
    const run = (rounds) => ({ rounds, seconds: 1.5, warmupSeconds: 3, processes: 2, variants: names, concurrent: true });
    let results;
    try {
      results = await confirmed(
        (o) => benchApp(app, o ?? run(5)),
        (results) => Object.keys(variants).every((v) => within(results, v)),
        run(8),
      );
    } catch (error) {
      record(`e2e ${app}`, `failed: ${error.message}`, 'runs', false);
      continue;
    }
    const base = results.find((r) => r.variant === 'baseline');
    for (const [variant, budget] of Object.entries(variants)) {
      const row = results.find((r) => r.variant === variant);
      const figure = `${row['capacity ratio']} (${base['cpu µs/req']} → ${row['cpu µs/req']} µs CPU/request)`;
      record(`e2e ${app} ${variant} capacity ratio`, figure, `>= ${budget.minCapacityRatio}`, within(results, variant));
    }
    // The floor beside it, reported, not gated: one AsyncLocalStorage.run per request and
    // nothing else, the least any agent that carries a request context costs (on Node 20
    // its promise hooks cost every promise). Measured as a pair of its own, the gate's way.
    try {
      const floor = await benchApp(app, { ...run(5), variants: ['baseline', 'floor'] });
      const row = floor.find((r) => r.variant === 'floor');
      const base = floor.find((r) => r.variant === 'baseline');
      rows.push({ measurement: `e2e ${app} floor capacity ratio (reported)`, value: `${row['capacity ratio']} (${base['cpu µs/req']} → ${row['cpu µs/req']} µs CPU/request)`, budget: 'not gated', ok: '-' });
    } catch (error) {
      rows.push({ measurement: `e2e ${app} floor capacity ratio (reported)`, value: `not measured: ${error.message}`, budget: 'not gated', ok: '-' });
    }
  }

  console.log(markdownTable(rows));
  if (breaches.length > 0) {
    console.log(`\nbench:check FAILED, ${breaches.length} budget(s) breached:\n- ${breaches.join('\n- ')}`);
    process.exit(1);
  }
  console.log('\nbench:check passed: every measurement within budget');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
