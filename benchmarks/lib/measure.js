'use strict';
// Per-operation cost with tinybench. Sub-microsecond operations are timed in batches (the
// task runs `batch` calls) so timer resolution does not dominate; figures are per call.
const { Bench } = require('tinybench');

/** cases: [{ name, fn, batch? }] -> [{ name, medianNs, p99Ns }] */
async function measure(cases, { timeMs = 300 } = {}) {
  const bench = new Bench({ time: timeMs, warmupTime: 50 });
  for (const c of cases) {
    const batch = c.batch ?? 1;
    bench.add(c.name, batch === 1 ? c.fn : () => {
      for (let i = 0; i < batch; i++) c.fn(i);
    });
  }
  await bench.run();
  return bench.tasks.map((task, i) => {
    const batch = cases[i].batch ?? 1;
    const latency = task.result.latency; // milliseconds per task run
    return { name: task.name, medianNs: (latency.p50 * 1e6) / batch, p99Ns: (latency.p99 * 1e6) / batch };
  });
}

/**
 * Same-process ratio of a wrapped call to the original: alternates short runs of each and
 * returns the median of the per-pair ratios, which resists drift and noise.
 */
async function pairedRatio(name, original, wrapped, { pairs = 7, timeMs = 150, batch = 1 } = {}) {
  const ratios = [];
  const origNs = [];
  const wrapNs = [];
  for (let i = 0; i < pairs; i++) {
    const [a, b] = i % 2 === 0
      ? await measure([{ name: 'original', fn: original, batch }, { name: 'wrapped', fn: wrapped, batch }], { timeMs })
      : (await measure([{ name: 'wrapped', fn: wrapped, batch }, { name: 'original', fn: original, batch }], { timeMs })).reverse();
    ratios.push(b.medianNs / a.medianNs);
    origNs.push(a.medianNs);
    wrapNs.push(b.medianNs);
  }
  const { median } = require('./stats');
  return { name, originalNs: median(origNs), wrappedNs: median(wrapNs), ratio: median(ratios) };
}

module.exports = { measure, pairedRatio };
