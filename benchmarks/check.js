'use strict';
// `npm run bench:check`: a short, noise-resistant run (interleaved runs, medians of
// ratios) compared with budgets.json; exits 1 on a breach, printing the offending figures.
const budgets = require('./budgets.json');
const { markdownTable, round } = require('./lib/stats');
const { runDetectors } = require('./micro/detectors');
const { runHooks } = require('./micro/hooks');
const { benchApp } = require('./e2e/run');

async function main() {
  const breaches = [];
  const rows = [];
  const record = (what, value, limit, ok) => {
    rows.push({ measurement: what, value, budget: limit, ok: ok ? 'yes' : 'NO' });
    if (!ok) breaches.push(`${what}: ${value} (budget ${limit})`);
  };

  const detectors = await runDetectors({ timeMs: 150 });
  for (const d of detectors.filter((r) => r.group === 'no-match')) {
    record(`detector no-match median ns: ${d.name}`, Math.round(d.medianNs), `< ${budgets.detectors.maxNoMatchMedianNs}`, d.medianNs < budgets.detectors.maxNoMatchMedianNs);
  }

  const hooks = await runHooks({ pairs: 5, timeMs: 100 });
  for (const h of hooks) {
    record(`hook overhead ratio: ${h.name}`, round(h.ratio), `< ${budgets.hooks.maxOverheadRatio}`, h.ratio < budgets.hooks.maxOverheadRatio);
  }

  for (const [app, variants] of Object.entries(budgets.e2e)) {
    let results;
    try {
      results = await benchApp(app, { rounds: 3, seconds: 2, variants: ['baseline', ...Object.keys(variants)] });
    } catch (error) {
      record(`e2e ${app}`, `failed: ${error.message}`, 'runs', false);
      continue;
    }
    for (const [variant, budget] of Object.entries(variants)) {
      const row = results.find((r) => r.variant === variant);
      record(`e2e ${app} ${variant} throughput ratio`, row['throughput ratio'], `>= ${budget.minThroughputRatio}`, row['throughput ratio'] >= budget.minThroughputRatio);
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
