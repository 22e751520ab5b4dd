// The rollout CLI on real logs: the examples/otel app runs in monitor mode in a child process,
// receives benign and attacking requests, writes rampart's pino lines to a file and exports
// OTLP/HTTP JSON logs to a receiver on 127.0.0.1; `rampart report`, `suggest` and
// `check-config` (the built bin, dist/cli/main.js) then read those files.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runChild, startChildApp } from '../helpers/child';
import { closeServer, listen, request } from '../helpers/http';

// About fifteen node processes in sequence: on a loaded 2-core machine that exceeds the
// suite's 60 s per file.
t.setTimeout(240_000);

const CLI = 'dist/cli/main.js';
const dir = mkdtempSync(join(tmpdir(), 'rampart-cli-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const pinoFile = join(dir, 'rampart.log');
const otlpLines = join(dir, 'otlp-logs.jsonl');
const otlpDoc = join(dir, 'otlp-logs.json');

const ATTACKS = ["' OR '1'='1", "' OR '1'='1", "x' UNION SELECT 1, sqlite_version(), 3 --"];

interface Group {
  id: string;
  method: string;
  route: string;
  source: string;
  input: string;
  kind: string;
  rule: string;
  action: string;
  count: number;
  first: string;
  last: string;
}

const cli = (...args: string[]) => runChild([CLI, ...args]);
const groupsOf = (stdout: string) => JSON.parse(stdout) as Group[];

t.before(async () => {
  const bodies: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/logs') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const url = await listen(receiver);
  const app = await startChildApp(['--require', './examples/otel/otel.js', '--require', 'rampart/register', 'examples/otel/app.js'], {
    PORT: '0',
    // The example's SDK (sdk-node + auto-instrumentations) comes from the otel-sdk3 fixture.
    NODE_PATH: join(ROOT, 'test', 'fixtures', 'otel-sdk3', 'node_modules'),
    OTEL_NODE_RESOURCE_DETECTORS: 'none',
    RAMPART_MODE: 'monitor',
    RAMPART_LOG_DESTINATION: pinoFile,
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
  });
  await request(`${app.base}/users?name=alice`);
  await request(`${app.base}/users/safe?name=${encodeURIComponent("o'brien")}`);
  for (const attack of ATTACKS) await request(`${app.base}/users?name=${encodeURIComponent(attack)}`);
  // The pino file is written asynchronously: wait for the three lines before stopping.
  while (!existsSync(pinoFile) || (readFileSync(pinoFile, 'utf8').match(/"rampart\.attack"/g) ?? []).length < ATTACKS.length) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await app.stop(); // SIGTERM: the SDK setup flushes its exporters before exiting
  await closeServer(receiver);
  // As the Collector's file exporter writes them (one document a line), and as one document.
  writeFileSync(otlpLines, bodies.map((b) => JSON.stringify(JSON.parse(b))).join('\n') + '\n');
  const records = bodies.flatMap((b) => (JSON.parse(b) as { resourceLogs: unknown[] }).resourceLogs);
  writeFileSync(otlpDoc, JSON.stringify({ resourceLogs: records }, null, 2));
});

t.test('report --json: findings grouped by route, input, rule and action, with counts and times', async (t) => {
  const run = await cli('report', '--json', pinoFile);
  t.equal(run.code, 0, run.stderr);
  const groups = groupsOf(run.stdout);
  t.equal(groups.reduce((n, g) => n + g.count, 0), ATTACKS.length, 'every attack, no benign request');
  for (const g of groups) {
    t.match(g, { method: 'GET', route: '/users', source: 'query', input: 'name', kind: 'sql_injection', action: 'monitored' });
    t.ok(Date.parse(g.first) <= Date.parse(g.last), 'first seen before last seen');
  }
  t.equal(new Set(groups.map((g) => g.id)).size, 1, 'one allow target: same route, input and kind');
  const top = groups[0]!;
  t.equal(top.count, 2, 'the repeated attack is one group of two');
  t.equal(top.rule, 'sqli.token-boundary');
});

t.test('report: a table, the same from OTLP JSON exports (lines or one document) and from stdin', async (t) => {
  const table = await cli('report', pinoFile);
  t.equal(table.code, 0);
  t.match(table.stdout, /^ID +ACTION +KIND +RULE +ROUTE +INPUT +COUNT +FIRST SEEN +LAST SEEN$/m);
  t.match(table.stdout, /monitored +sql_injection +sqli\.token-boundary +GET \/users +query\.name +2 /);
  t.match(table.stdout, /3 findings in \d+ groups/);

  const fromPino = groupsOf((await cli('report', '--json', pinoFile)).stdout).map(({ first, last, ...g }) => g);
  for (const file of [otlpLines, otlpDoc]) {
    const run = await cli('report', '--json', file);
    t.equal(run.code, 0, run.stderr);
    t.same(groupsOf(run.stdout).map(({ first, last, ...g }) => g), fromPino, `${file.endsWith('l') ? 'OTLP JSON lines' : 'OTLP document'} gives the same groups`);
  }
  const stdin = execFileSync(process.execPath, [CLI, 'report', '--json', '-'], { cwd: ROOT, input: readFileSync(pinoFile) }).toString();
  t.same(groupsOf(stdin).map(({ first, last, ...g }) => g), fromPino, 'stdin');
});

t.test('suggest: benign findings become route + input + kind allow rules the agent accepts', async (t) => {
  const [group] = groupsOf((await cli('report', '--json', pinoFile)).stdout);
  const run = await cli('suggest', '--benign', group!.id, pinoFile);
  t.equal(run.code, 0, run.stderr);
  const suggestion = JSON.parse(run.stdout) as { allow: { inputs: unknown[] } };
  t.same(suggestion, { allow: { inputs: [{ source: 'query', name: 'name', method: 'GET', path: '/users', kinds: ['sql_injection'] }] } });
  const file = join(dir, 'suggested.json');
  writeFileSync(file, run.stdout);
  const check = await cli('check-config', file);
  t.equal(check.code, 0, check.stderr);
  t.match(check.stdout, '0 route, 1 input, 0 sink allow rules');

  const none = await cli('suggest', pinoFile);
  t.equal(none.code, 2, 'no blanket allow: findings must be named');
  t.match(none.stderr, '--benign <id>');
  const unknown = await cli('suggest', '--benign', 'deadbeef', pinoFile);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, 'no finding with id deadbeef');
});

t.test('check-config: the agent own messages and exit status', async (t) => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ mode: 'monitor', allow: { routes: [{ path: 'users' }] } }));
  const run = await cli('check-config', bad);
  const agent = await runChild(['--require', 'rampart/register', '-e', 'console.log("app ran")'], { RAMPART_CONFIG: bad });
  t.equal(run.code, 78);
  t.equal(agent.code, 78);
  t.match(run.stderr, 'rampart: invalid configuration in');
  t.match(run.stderr, '"allow.routes[0].path" is "users"; allowed: a path pattern starting with "/"');
  t.ok(agent.stderr.includes(run.stderr.trim()), 'the same message as the agent at start-up');
  const missing = await cli('check-config', join(dir, 'nope.json'));
  t.equal(missing.code, 78);
  t.match(missing.stderr, 'a readable JSON file');
  const usage = await cli('frobnicate');
  t.equal(usage.code, 2);
  t.match(usage.stderr, 'unknown command frobnicate');
  t.match(usage.stderr, 'usage:');
});
