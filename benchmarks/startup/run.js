'use strict';
// Start-up cost of rampart: `node --require rampart/register` against bare `node`, for an
// empty program (`-e 0`) and for an Express app's time-to-listen (Express loaded in both
// arms). Each pair runs bare and rampart back to back, in alternating order; the figures
// are medians over pairs of (rampart - bare) and of rampart / bare, so a machine busy with
// other work inflates both arms of a pair alike. CPU time grows with the machine's load
// (bare `node -e 0` measured 110-170 ms of CPU at load averages of 8-18 on 2 cores), so the
// gate reads the CPU *ratio*; peak memory does not, and is gated as a delta in MiB.
// The empty program runs on the newest LTS line too: there rampart's loader hooks run in
// the app's thread and `tls` costs several MiB, so its start-up memory is about twice what
// the running Node shows (docs/performance.md), and a change that loads one more costly
// builtin at start would not show here otherwise. Its binary comes from the npm registry
// into the cache the Node-lines step uses (scripts/node-lines/binaries.js).
// `node benchmarks/startup/run.js [pairs]` runs it alone.
const { spawnSync } = require('node:child_process');
const { homedir } = require('node:os');
const path = require('node:path');
const { median, round } = require('../lib/stats');
const { ensureNode, newestVersion } = require('../../scripts/node-lines/binaries');

const REGISTER = path.join(__dirname, '..', '..', 'dist', 'register.js');
const USAGE = path.join(__dirname, 'usage-at-exit.js');

/** The newest LTS line (scripts/node-lines.js runs its full suite there). */
const NEWEST_LTS = 26;
const NODE_CACHE = process.env.RAMPART_NODE_CACHE || path.join(homedir(), '.cache', 'rampart-node');

const CASES = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'Express time-to-listen', args: [path.join(__dirname, 'express-listen.js')] },
  { name: `node -e 0 on Node ${NEWEST_LTS}`, args: ['-e', '0'], line: NEWEST_LTS },
];

/** The node binary of a case and its version: the running one, or the newest release of its line. */
function nodeOf(line) {
  if (line === undefined) return { binary: process.execPath, version: process.version };
  const version = newestVersion(line, NODE_CACHE);
  return { binary: path.join(ensureNode(version, NODE_CACHE), 'bin', 'node'), version: `v${version}` };
}

/** One child's CPU ms and peak RSS MiB. */
function measure(node, args, withRampart) {
  const argv = ['--require', USAGE, ...(withRampart ? ['--require', REGISTER] : []), ...args];
  const child = spawnSync(node, argv, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 60_000 });
  const found = /rampart-startup-usage (\S+) (\S+)/.exec(child.stderr ?? '');
  if (child.status !== 0 || found === null) throw new Error(`start-up child failed (${argv.join(' ')}): status ${child.status}, ${child.stderr}`);
  return { cpuMs: Number(found[1]), rssMiB: Number(found[2]) };
}

/**
 * Median deltas over `pairs` alternating pairs, per case. A case whose Node binary cannot be
 * had is returned with `notMeasured` (the reason) and no figures.
 */
function runStartup({ pairs = 21 } = {}) {
  return CASES.map(({ name, args, line }) => {
    let node;
    let version;
    try {
      ({ binary: node, version } = nodeOf(line));
    } catch (error) {
      return { name, pairs, notMeasured: error.message };
    }
    measure(node, args, false); // warm the file system cache for both arms
    measure(node, args, true);
    const bare = [];
    const rampart = [];
    for (let i = 0; i < pairs; i++) {
      if (i % 2 === 0) {
        bare.push(measure(node, args, false));
        rampart.push(measure(node, args, true));
      } else {
        rampart.push(measure(node, args, true));
        bare.push(measure(node, args, false));
      }
    }
    const deltas = (key) => bare.map((b, i) => rampart[i][key] - b[key]);
    return {
      name,
      pairs,
      node: version,
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
    case: r.notMeasured === undefined ? `${r.name} (${r.node})` : `${r.name}: not measured, ${r.notMeasured}`,
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
