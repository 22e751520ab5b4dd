// The coexistence suite for one other tool (test/coexistence/*.test.ts): the fixture app
// (test/fixtures/coexistence/app.js) runs beside the tool in each start order; attacks on
// SQL, command, path and SSRF sinks are refused with their effect proven absent, benign
// requests answer as before, the tool still records its spans, and stop() leaves the
// tool's wrappers where they are. Run `npm run build` first (the app loads dist/).
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { ROOT, startChildApp, type ChildApp } from './child';
import { closeServer, listen, request } from './http';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'coexistence');
const REGISTER = join(ROOT, 'dist', 'register.js');
const SECRET = 'internal-secret-5d1e';
const FILE_SECRET = 'file-secret-9c2b';

/** Keeps every tool on loopback: collectors and agents point at a closed port. */
const QUIET_ENV: Record<string, string> = {
  DD_TRACE_AGENT_URL: 'http://127.0.0.1:9',
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
  DD_REMOTE_CONFIGURATION_ENABLED: 'false',
  DD_TRACE_STARTUP_LOGS: 'false',
  NEW_RELIC_ENABLED: 'true',
  NEW_RELIC_NO_CONFIG_FILE: 'true',
  NEW_RELIC_APP_NAME: 'rampart-coexistence',
  NEW_RELIC_LICENSE_KEY: '0000000000000000000000000000000000000000',
  NEW_RELIC_HOST: '127.0.0.1',
  NEW_RELIC_PORT: '9',
  NEW_RELIC_LOG_ENABLED: 'false',
  NEW_RELIC_UTILIZATION_DETECT_AWS: 'false',
  NEW_RELIC_UTILIZATION_DETECT_AZURE: 'false',
  NEW_RELIC_UTILIZATION_DETECT_GCP: 'false',
  NEW_RELIC_UTILIZATION_DETECT_PCF: 'false',
  NEW_RELIC_UTILIZATION_DETECT_DOCKER: 'false',
  NEW_RELIC_UTILIZATION_DETECT_KUBERNETES: 'false',
  ELASTIC_APM_SERVER_URL: 'http://127.0.0.1:9',
  ELASTIC_APM_CLOUD_PROVIDER: 'none',
  SENTRY_DSN: 'http://public@127.0.0.1:9/1',
  // Not OTEL_TRACES_EXPORTER=none: dd-trace reads it and turns tracing off.
  OTEL_NODE_RESOURCE_DETECTORS: 'env',
  RAMPART_LOG_LEVEL: 'silent',
  // tap's own loaders (TypeScript, process info) stay out of the app: they change module
  // loading under the agents (dd-trace then made no spans).
  NODE_OPTIONS: '',
};

interface Seen {
  readonly kind: string;
  readonly name: string;
  /** The request path, where the tool says it. */
  readonly path?: string;
}
const BENIGN_PATHS = new Set(['/user', '/run', '/read', '/fetch']);

export interface SuiteOptions {
  /** The tool file under test/fixtures/coexistence/tools/ (COEXIST_TOOL). */
  readonly tool: string;
  /** Run OpenTelemetry's disable()/enable() on every instrumentation after rampart. */
  readonly cycle?: boolean;
  /** The fixture folder under test/fixtures/ the tool's packages come from. */
  readonly packages?: string;
}

export function coexistenceSuite({ tool, cycle = false, packages = 'coexistence' }: SuiteOptions): void {
  // Four child apps, each loading a full agent: far above .taprc's per-file default.
  t.setTimeout(300_000);
  const toolFile = join(FIXTURE, 'tools', `${tool.replace(/-http$/, '')}.js`);
  const app = join(FIXTURE, 'app.js');
  const orders: Record<string, { args: string[]; env: Record<string, string> }> = {
    'rampart preloaded before the tool': { args: ['--require', REGISTER, '--require', toolFile, app], env: {} },
    'the tool preloaded before rampart': { args: ['--require', toolFile, '--require', REGISTER, app], env: {} },
    'start() before the tool starts in app code': { args: [app], env: { COEXIST_IN_APP: 'rampart-first' } },
    'start() after the tool starts in app code': { args: [app], env: { COEXIST_IN_APP: 'tool-first' } },
  };

  const db = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'rampart_test' });
  let internalHits = 0;
  const internal = createServer((req, res) => {
    if (req.url === '/secret') internalHits++;
    res.end(req.url === '/secret' ? SECRET : 'fine');
  });
  let internalBase = '';
  t.before(async () => {
    await db.connect();
    internalBase = await listen(internal);
  });
  t.teardown(async () => {
    await db.end();
    await closeServer(internal);
  });

  let n = 0;
  for (const [order, { args, env }] of Object.entries(orders)) {
    t.test(`${tool}: ${order}`, async (t) => {
      const table = `coexist_${tool.replace(/-/g, '_')}_${process.pid}_${n++}`;
      const root = mkdtempSync(join(tmpdir(), 'rampart-coexist-'));
      const base = join(root, 'app', 'files');
      mkdirSync(base, { recursive: true });
      writeFileSync(join(base, 'report.txt'), 'report');
      writeFileSync(join(root, 'secret.txt'), FILE_SECRET);
      const child: ChildApp = await startChildApp(args, {
        ...QUIET_ENV,
        COEXIST_TOOL: tool,
        COEXIST_PACKAGES: join(ROOT, 'test', 'fixtures', packages),
        COEXIST_RAMPART: join(ROOT, 'dist'),
        COEXIST_TABLE: table,
        COEXIST_BASE: base,
        COEXIST_INTERNAL: internalBase,
        ...env,
      });
      t.teardown(async () => {
        await child.stop();
        await db.query(`DROP TABLE IF EXISTS ${table}`);
      });
      const get = async (path: string) => request(`${child.base}${path}`);
      const seen = async (): Promise<Seen[]> => child.lines.filter((l) => l.seen !== undefined).map((l) => l.seen as Seen);
      const count = (list: Seen[], kind: string) => list.filter((s) => s.kind === kind).length;
      /** Waits (bounded) for the tool to record what it records after a request ends. */
      const seenWhen = async (ok: (list: Seen[]) => boolean): Promise<Seen[]> => {
        let list = await seen();
        for (let i = 0; i < 100 && !ok(list); i++) {
          await new Promise((r) => setTimeout(r, 50));
          list = await seen();
        }
        return list;
      };

      const benign = async (label: string) => {
        t.same((await get('/user?name=alice')).json(), [{ name: 'alice' }], `${label}: SQL lookup answers`);
        t.match((await get('/run?dir=.')).json(), { out: /report\.txt/ }, `${label}: command answers`);
        t.same((await get('/read?file=report.txt')).json(), { text: 'report' }, `${label}: file read answers`);
        t.same((await get('/fetch?path=ok')).json(), { status: 200, body: 'fine' }, `${label}: outbound request answers`);
      };
      const attacks = async (label: string) => {
        const sql = await get(`/user?name=${encodeURIComponent(`x'; DROP TABLE ${table}; --`)}`);
        t.equal(sql.status, 403, `${label}: SQL injection refused`);
        t.equal((await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 2, `${label}: the table is still there`);
        const canary = join(root, `pwned-${label.replace(/\W+/g, '-')}`);
        t.equal((await get(`/run?dir=${encodeURIComponent(`.; touch ${canary}`)}`)).status, 403, `${label}: command injection refused`);
        t.notOk(existsSync(canary), `${label}: the injected command did not run`);
        const read = await get(`/read?file=${encodeURIComponent('../../secret.txt')}`);
        t.equal(read.status, 403, `${label}: path traversal refused`);
        t.notMatch(read.text, FILE_SECRET, `${label}: the secret file was not returned`);
        const hits = internalHits;
        const ssrf = await get(`/fetch?url=${encodeURIComponent(`${internalBase}/secret`)}`);
        t.equal(ssrf.status, 403, `${label}: SSRF refused`);
        t.notMatch(ssrf.text, SECRET, `${label}: the internal answer was not returned`);
        t.equal(internalHits, hits, `${label}: the internal service was not called`);
        t.same((await get('/user?name=bob')).json(), [{ name: 'bob' }], `${label}: the process is still up and answers`);
      };

      await benign('before any attack');
      await attacks('attacks');
      await benign('after the attacks');
      const recorded = await seenWhen((l) => count(l, 'server') >= 8 && count(l, 'client') >= 1);
      t.ok(count(recorded, 'server') >= 8, `${tool} recorded its server spans (${count(recorded, 'server')})`);
      t.ok(count(recorded, 'client') >= 1, `${tool} recorded client spans (${count(recorded, 'client')}: ${[...new Set(recorded.filter((s) => s.kind === 'client').map((s) => s.name))].slice(0, 4).join(', ')})`);

      if (cycle) {
        t.same((await get('/cycle')).json(), { cycled: true });
        await attacks('after disable()/enable()');
        const served = (l: Seen[]) => l.filter((s) => s.kind === 'server' && BENIGN_PATHS.has(s.path ?? '')).length;
        // Every request so far went to these paths: 4 benign, 5 attacks (one benign), 4 benign, 5.
        const before = served(await seenWhen((l) => served(l) >= 18));
        await benign('after disable()/enable()');
        const after = await seenWhen((l) => served(l) >= before + 4);
        t.equal(served(after) - before, 4, 'one server span per request after the cycle (wrapped once, not twice)');
      }

      const slots = (await get('/stop')).json() as Array<{ name: string; ours: boolean; same: boolean; oursAfter: boolean }>;
      for (const slot of slots) {
        if (slot.ours) t.notOk(slot.oursAfter, `stop(): ${slot.name} no longer runs rampart's hook`);
        else t.ok(slot.same, `stop(): ${slot.name}, wrapped by ${tool} over rampart, is left in place`);
      }
      const before = await seen();
      await benign('after stop()');
      const after = await seenWhen((l) => count(l, 'server') >= count(before, 'server') + 4);
      t.ok(count(after, 'server') >= count(before, 'server') + 4, `${tool} still records server spans after rampart's stop()`);
      const toolOnTop = slots.filter((s) => !s.ours).map((s) => s.name);
      t.comment(`slots where ${tool}'s wrapper sat over rampart's at stop(): ${toolOnTop.join(', ') || 'none'}`);
    });
  }
}
