'use strict';
// Start-up cost of rampart: `node --require rampart/register` against bare `node`, for an
// empty program (`-e 0`) and for an Express app's time-to-listen (Express loaded in both
// arms). Each pair runs bare and rampart back to back, in alternating order; the figures
// are medians over pairs of (rampart - bare) and of rampart / bare, so a machine busy with
// other work inflates both arms of a pair alike. CPU time grows with the machine's load
// (bare `node -e 0` measured 110-170 ms of CPU at load averages of 8-18 on 2 cores), so the
// gate reads the CPU *ratio*; peak memory does not, and is gated as a delta in MiB.
// `node benchmarks/startup/run.js [pairs]` runs it alone.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { median, round } = require('../lib/stats');

const REGISTER = path.join(__dirname, '..', '..', 'dist', 'register.js');
const USAGE = path.join(__dirname, 'usage-at-exit.js');

const CASES = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'Express time-to-listen', args: [path.join(__dirname, 'express-listen.js')] },
];

/** One child's CPU ms and peak RSS MiB. */
function measure(args, withRampart) {
  const argv = ['--require', USAGE, ...(withRampart ? ['--require', REGISTER] : []), ...args];
  const child = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 60_000 });
  const found = /rampart-startup-usage (\S+) (\S+)/.exec(child.stderr ?? '');
  if (child.status !== 0 || found === null) throw new Error(`start-up child failed (${argv.join(' ')}): status ${child.status}, ${child.stderr}`);
  return { cpuMs: Number(found[1]), rssMiB: Number(found[2]) };
}

/** Median deltas over `pairs` alternating pairs, per case. */
function runStartup({ pairs = 21 } = {}) {
  return CASES.map(({ name, args }) => {
    measure(args, false); // warm the file system cache for both arms
    measure(args, true);
    const bare = [];
    const rampart = [];
    for (let i = 0; i < pairs; i++) {
      if (i % 2 === 0) {
        bare.push(measure(args, false));
        rampart.push(measure(args, true));
      } else {
        rampart.push(measure(args, true));
        bare.push(measure(args, false));
      }
    }
    const deltas = (key) => bare.map((b, i) => rampart[i][key] - b[key]);
    return {
      name,
      pairs,
      bareCpuMs: round(median(bare.map((b) => b.cpuMs)), 1),
      rampartCpuMs: round(median(rampart.map((r) => r.cpuMs)), 1),
      cpuMsDelta: round(median(deltas('cpuMs')), 1),
      cpuRatio: round(median(bare.map((b, i) => rampart[i].cpuMs / b.cpuMs)), 3),
      bareRssMiB: round(median(bare.map((b) => b.rssMiB)), 2),
      rampartRssMiB: round(median(rampart.map((r) => r.rssMiB)), 2),
      rssMiBDelta: round(median(deltas('rssMiB')), 2),
    };
  });
}

/** Rows for a markdown table. */
function startupRows(results) {
  return results.map((r) => ({
    case: r.name,
    pairs: r.pairs,
    'bare CPU ms': r.bareCpuMs,
    'rampart CPU ms': r.rampartCpuMs,
    'Δ CPU ms (median of pairs)': r.cpuMsDelta,
    'CPU ratio (median of pairs)': r.cpuRatio,
    'bare peak MiB': r.bareRssMiB,
    'rampart peak MiB': r.rampartRssMiB,
    'Δ peak MiB (median of pairs)': r.rssMiBDelta,
  }));
}

module.exports = { runStartup, startupRows };

if (require.main === module) {
  const { markdownTable } = require('../lib/stats');
  console.log(markdownTable(startupRows(runStartup({ pairs: Number(process.argv[2]) || 21 }))));
}
