#!/usr/bin/env node
// Runs the test suite on every supported Node release line (docs/node-versions.md):
// the newest LTS runs the full suite, the other lines the suite without the previous
// framework majors (the test files built on test/fixtures/legacy-frameworks), to keep CI
// within its time budget. Each line runs in its own copy of the project, with native
// addons rebuilt for its ABI, so the shared node_modules is never touched.
//
//   node scripts/node-lines.js              all lines
//   node scripts/node-lines.js 22 26        only these lines
//   node scripts/node-lines.js --skip-running   all but the line of the Node running it
//   node scripts/node-lines.js 22 -- test/module-loading test/register.test.ts
//                                           only these test files or folders (a quick look)
//
// Env: RAMPART_NODE_CACHE (default ~/.cache/rampart-node) holds the Node binaries, the
// per-ABI addon builds and the per-line project copies; reused between runs.
// RAMPART_NODE_LINES_BUDGET_MIN (CI sets it) bounds the step's time: lines run newest LTS
// first, and a line that would likely end past the budget (judged by the longest line so
// far) is not started and is reported as not run, so CI cannot overrun its own limit. Exit
// status: 1 when a line that ran failed, 2 when every line run passed but some were not run.
// RAMPART_NODE_LINES_TIMEOUT (seconds) and RAMPART_NODE_LINES_JOBS override tap's per-file
// timeout and parallel files (.taprc: 60 s, 2) for the line runs.
const { spawn } = require('node:child_process');
const { createWriteStream, existsSync, readdirSync, readFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { join, relative } = require('node:path');
const { newestVersion, ensureNode } = require('./node-lines/binaries');
const { copyProject, rebuildAddons } = require('./node-lines/project-copy');

const ROOT = join(__dirname, '..');
const CACHE = process.env.RAMPART_NODE_CACHE || join(homedir(), '.cache', 'rampart-node');
// tap's per-file timeout and parallel files for the line runs (.taprc's values when unset).
const TIMEOUT_S = Number(process.env.RAMPART_NODE_LINES_TIMEOUT || 0);
const JOBS = Number(process.env.RAMPART_NODE_LINES_JOBS || 0);

/** The supported lines and what each runs; `engines` in package.json follows this table. */
const LINES = [
  { major: 20, suite: 'core' },
  { major: 22, suite: 'core' },
  { major: 24, suite: 'core' },
  { major: 26, suite: 'full' }, // newest LTS (active LTS since October 2026)
];

const log = (line) => console.log(`[node-lines] ${line}`);

function testFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'fixtures') out.push(...testFiles(path));
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Test files of the previous framework majors: the ones importing test/frameworks/legacy.ts. */
function usesLegacyFixture(file) {
  return /from '\.\/legacy'/.test(readFileSync(file, 'utf8'));
}

function selectTests(copyRoot, suite, only) {
  if (suite === 'full' && only.length === 0) return [];
  const under = only.map((p) => join(copyRoot, p));
  return testFiles(join(copyRoot, 'test'))
    .filter((file) => under.length === 0 || under.some((p) => file === p || file.startsWith(`${p}/`)))
    .filter((file) => suite === 'full' || !usesLegacyFixture(file))
    .map((file) => relative(copyRoot, file))
    .sort();
}

function formatDuration(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * This script's environment without its own RAMPART_NODE_* settings: rampart refuses to start
 * with an unknown RAMPART_* variable in its environment, so every child app would fail.
 */
function testEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('RAMPART_NODE_')));
}

/** Runs a command in the copy with the line's Node first on PATH, its output into `logFile`. */
function run(nodeDir, cwd, args, logFile) {
  return new Promise((resolve) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(join(nodeDir, 'bin', 'node'), args, {
      cwd,
      env: { ...testEnv(), PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', (error) => out.end(`${error.stack}\n`, () => resolve(127)));
    child.on('close', (code) => out.end(() => resolve(code)));
  });
}

/**
 * `npm run build`'s steps, each run with the line's node: package.json's build script, read
 * so the lines build what the project builds (tsc, the ESM preload, the start pack).
 */
function buildSteps(copyRoot) {
  const script = JSON.parse(readFileSync(join(copyRoot, 'package.json'), 'utf8')).scripts.build;
  return script.split('&&').map((step) => {
    const [command, ...args] = step.trim().split(/\s+/);
    if (command === 'node') return args;
    if (command === 'tsc') return [join('node_modules', 'typescript', 'bin', 'tsc'), ...args];
    throw new Error(`build step "${step.trim()}" is neither node nor tsc: teach scripts/node-lines.js to run it`);
  });
}

async function runLine({ major, suite }, only) {
  const started = Date.now();
  const version = newestVersion(major, CACHE);
  const nodeDir = ensureNode(version, CACHE);
  const copyRoot = join(CACHE, 'lines', `node${major}`);
  log(`Node ${version}: copying the project into ${copyRoot}`);
  copyProject(ROOT, copyRoot);
  const rebuilt = rebuildAddons(copyRoot, nodeDir, CACHE, (line) => log(`Node ${version}: ${line}`));
  const logFile = join(copyRoot, 'node-lines.log');
  let built = 0;
  for (const step of buildSteps(copyRoot)) {
    built = await run(nodeDir, copyRoot, step, logFile);
    if (built !== 0) break;
  }
  if (built !== 0) {
    log(`Node ${version}: build failed, see ${logFile}`);
    return { major, version, suite, pass: 0, fail: 0, status: built, ms: Date.now() - started, rebuilt };
  }
  const files = selectTests(copyRoot, suite, only);
  if (only.length > 0 && files.length === 0) throw new Error(`no test file under ${only.join(' ')}`);
  log(`Node ${version}: running the ${suite} suite${only.length > 0 ? `, only ${only.join(' ')}` : ''}${files.length > 0 ? ` (${files.length} files)` : ''}`);
  const tapArgs = ['--reporter=tap', ...(TIMEOUT_S > 0 ? [`--timeout=${TIMEOUT_S}`] : []), ...(JOBS > 0 ? [`--jobs=${JOBS}`] : [])];
  const status = await run(nodeDir, copyRoot, [join('node_modules', 'tap', 'dist', 'esm', 'run.mjs'), ...tapArgs, ...files], logFile);
  const output = readFileSync(logFile, 'utf8');
  const summary = output.match(/^# \{ total: \d+.*$/gm)?.pop() ?? '';
  const count = (key) => Number(summary.match(new RegExp(`${key}: (\\d+)`))?.[1] ?? 0);
  for (const line of output.split('\n').filter((l) => /^\s*not ok /.test(l))) log(`Node ${version}: ${line.trim()}`);
  return { major, version, suite, pass: count('pass'), fail: count('fail'), status, ms: Date.now() - started, rebuilt, logFile };
}

async function main() {
  const all = process.argv.slice(2);
  const dashes = all.indexOf('--');
  const args = dashes < 0 ? all : all.slice(0, dashes);
  const only = dashes < 0 ? [] : all.slice(dashes + 1).map((p) => p.replace(/\/+$/, ''));
  const wanted = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const unknown = args.filter((a) => !/^\d+$/.test(a) && a !== '--skip-running');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(' ')}; usage: node scripts/node-lines.js [--skip-running] [line...]`);
  // --skip-running: the line of the Node running this script already ran the full suite (.ci/run's npm test).
  const running = Number(process.versions.node.split('.')[0]);
  const lines = (wanted.length > 0 ? wanted.map((major) => LINES.find((l) => l.major === major)).filter((l) => l !== undefined) : LINES)
    .filter((l) => !(args.includes('--skip-running') && l.major === running));
  if (lines.length === 0) throw new Error(`no line to run in "${args.join(' ')}"; supported: ${LINES.map((l) => l.major).join(', ')}`);
  if (!existsSync(join(ROOT, 'node_modules'))) throw new Error('node_modules is missing: run npm ci first');
  const results = [];
  const notRun = [];
  const budgetMs = Number(process.env.RAMPART_NODE_LINES_BUDGET_MIN || 0) * 60_000;
  const stepStarted = Date.now();
  // The full-suite line first: it is the one the budget must never squeeze out.
  const ordered = [...lines].sort((a, b) => (a.suite === 'full' ? -1 : 0) - (b.suite === 'full' ? -1 : 0));
  // One line at a time: the suite itself runs two jobs, which is what CI machines have.
  for (const line of ordered) {
    const longest = Math.max(0, ...results.map((r) => r.ms));
    if (budgetMs > 0 && Date.now() - stepStarted + longest > budgetMs) {
      notRun.push(line);
      continue;
    }
    results.push(await runLine(line, only));
  }
  console.log('');
  for (const l of notRun) console.log(`node ${l.major} (${l.suite} suite): not run, the ${budgetMs / 60_000} min budget of this step would be exceeded`);
  for (const r of results) {
    console.log(`node ${r.version} (${r.suite} suite${only.length > 0 ? `, only ${only.join(' ')}` : ''}): ${r.pass} passed, ${r.fail} failed, exit ${r.status}, ${formatDuration(r.ms)}${r.rebuilt.length > 0 ? `; rebuilt ${r.rebuilt.join(', ')}` : ''}`);
  }
  // 1: a line failed (or passed nothing); 2: every line run passed, but some did not fit in
  // the budget (.ci/run reports those without failing: the host's speed, not the code).
  const failed = results.some((r) => r.status !== 0 || r.fail !== 0 || r.pass === 0);
  process.exitCode = failed ? 1 : notRun.length > 0 ? 2 : 0;
}

main().catch((error) => {
  console.error(`[node-lines] ${error.stack ?? error}`);
  process.exitCode = 1;
});
