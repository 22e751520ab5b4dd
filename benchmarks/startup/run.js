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
// Each case also runs a floor arm: bare node loading the builtins rampart's start loaded on
// that line (measured in one probe run of each arm, floor.js), so the figures say how much
// is rampart's own code and how much the builtins it must patch before the app's first line.
// `node benchmarks/startup/run.js [pairs]` runs it alone.
const { spawnSync } = require('node:child_process');
const { homedir } = require('node:os');
const path = require('node:path');
const { median, round } = require('../lib/stats');
const { ensureNode, newestVersion } = require('../../scripts/node-lines/binaries');

const REGISTER = path.join(__dirname, '..', '..', 'dist', 'register.js');
const USAGE = path.join(__dirname, 'usage-at-exit.js');
const BUILTINS = path.join(__dirname, 'builtins-at-exit.js');
const FLOOR = path.join(__dirname, 'floor.js');

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

/** The arms: bare node, the floor (the builtins rampart loads, nothing else) and rampart. */
const ARMS = {
  bare: () => [],
  floor: () => ['--require', FLOOR],
  rampart: () => ['--require', REGISTER],
};

function run(node, argv, env) {
  const child = spawnSync(node, argv, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  if (child.status !== 0) throw new Error(`start-up child failed (${argv.join(' ')}): status ${child.status}, ${child.stderr}`);
  return child.stderr ?? '';
}

/** One child's CPU ms and peak RSS MiB. */
function measure(node, args, arm, floorEnv) {
  const argv = ['--require', USAGE, ...ARMS[arm](), ...args];
  const stderr = run(node, argv, floorEnv);
  const found = /rampart-startup-usage (\S+) (\S+)/.exec(stderr);
  if (found === null) throw new Error(`start-up child reported no usage (${argv.join(' ')}): ${stderr}`);
  return { cpuMs: Number(found[1]), rssMiB: Number(found[2]) };
}

/** Public builtins loaded by the end of a run, with or without rampart. */
function builtinsLoaded(node, args, withRampart) {
  const argv = ['--require', BUILTINS, ...(withRampart ? ['--require', REGISTER] : []), ...args];
  const found = /rampart-startup-builtins (\[.*\])/.exec(run(node, argv, {}));
  if (found === null) throw new Error(`start-up probe reported no builtins (${argv.join(' ')})`);
  return JSON.parse(found[1]);
}

/** What the floor arm loads: the builtins rampart's run loaded that bare node's did not. */
function floorBuiltins(node, args) {
  const bare = new Set(builtinsLoaded(node, args, false));
  return builtinsLoaded(node, args, true).filter((id) => !bare.has(id));
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
    const builtins = floorBuiltins(node, args);
    const floorEnv = { STARTUP_FLOOR_BUILTINS: JSON.stringify(builtins) };
    const arms = Object.keys(ARMS);
    for (const arm of arms) measure(node, args, arm, floorEnv); // warm the file system cache for each arm
    const figures = { bare: [], floor: [], rampart: [] };
    for (let i = 0; i < pairs; i++) {
      // Each arm goes first, second and third in turn.
      for (let k = 0; k < arms.length; k++) {
        const arm = arms[(i + k) % arms.length];
        figures[arm].push(measure(node, args, arm, floorEnv));
      }
    }
    const { bare, floor, rampart } = figures;
    const deltas = (key, from = bare) => from.map((b, i) => rampart[i][key] - b[key]);
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
      floorBuiltins: builtins,
      floorCpuMs: round(median(floor.map((f) => f.cpuMs)), 1),
      floorRssMiB: round(median(floor.map((f) => f.rssMiB)), 2),
      cpuMsOverFloor: round(median(deltas('cpuMs', floor)), 1),
      rssMiBOverFloor: round(median(deltas('rssMiB', floor)), 2),
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
    'floor: builtins rampart loads': r.floorBuiltins === undefined ? '' : `${r.floorBuiltins.join(' ') || 'none'}: ${r.floorCpuMs} ms, ${r.floorRssMiB} MiB`,
    'rampart over floor': r.rssMiBOverFloor === undefined ? '' : `Δ ${r.cpuMsOverFloor} ms, Δ ${r.rssMiBOverFloor} MiB`,
  }));
}

module.exports = { runStartup, startupRows };

if (require.main === module) {
  const { markdownTable } = require('../lib/stats');
  console.log(markdownTable(startupRows(runStartup({ pairs: Number(process.argv[2]) || 21 }))));
}
