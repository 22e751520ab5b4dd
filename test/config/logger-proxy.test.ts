// The telemetry-routing settings: `logger` (rampart's pino, none, or the app's logger),
// `telemetry.logFindings`, and `trustProxy` (Express's forms), from every source.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import t from 'tap';
import { configDifferences } from '../../src/config/differences';
import { loadConfig } from '../../src/config/load';

const empty = mkdtempSync(join(tmpdir(), 'rampart-cfg-logger-'));

t.test('defaults: own pino, a line for every finding unless bridged, proxies not trusted', async (t) => {
  const c = loadConfig({ cwd: empty, env: {} });
  t.equal(c.logger, 'pino');
  t.equal(c.telemetry.logFindings, 'auto');
  t.equal(c.trustProxy, false);
});

t.test("logger: the app's pino is held as is, never frozen", async (t) => {
  const app = pino({ level: 'silent' });
  const c = loadConfig({ cwd: empty, env: {}, options: { logger: app } });
  t.equal(c.logger, app);
  t.notOk(Object.isFrozen(app), "the app's logger stays the app's");
  t.ok(Object.isFrozen(c), 'the configuration itself is frozen');
  const consoleLike = { error() {}, warn() {}, info() {} };
  t.equal(loadConfig({ cwd: empty, env: {}, options: { logger: consoleLike } }).logger, consoleLike);
});

t.test('logger: RAMPART_LOGGER takes pino or none; anything else is a clear error', async (t) => {
  t.equal(loadConfig({ cwd: empty, env: { RAMPART_LOGGER: 'none' } }).logger, 'none');
  t.throws(() => loadConfig({ cwd: empty, env: { RAMPART_LOGGER: 'winston' } }), { name: 'RampartConfigError', message: /logger/ });
  t.throws(() => loadConfig({ cwd: empty, env: {}, options: { logger: { warn() {}, info() {} } } }), { name: 'RampartConfigError', message: /logger\.error/ });
  t.throws(() => loadConfig({ cwd: empty, env: {}, options: { logger: 42 } }), { name: 'RampartConfigError', message: /logger/ });
});

t.test('telemetry.logFindings from options and RAMPART_LOG_FINDINGS', async (t) => {
  t.equal(loadConfig({ cwd: empty, env: { RAMPART_LOG_FINDINGS: 'fallback' } }).telemetry.logFindings, 'fallback');
  t.equal(loadConfig({ cwd: empty, env: {}, options: { telemetry: { logFindings: 'never' } } }).telemetry.logFindings, 'never');
  t.throws(() => loadConfig({ cwd: empty, env: { RAMPART_LOG_FINDINGS: 'sometimes' } }), { message: /telemetry\.logFindings/ });
});

t.test("trustProxy: Express's forms, from options and RAMPART_TRUST_PROXY", async (t) => {
  t.equal(loadConfig({ cwd: empty, env: { RAMPART_TRUST_PROXY: 'true' } }).trustProxy, true);
  t.equal(loadConfig({ cwd: empty, env: { RAMPART_TRUST_PROXY: '2' } }).trustProxy, 2);
  t.equal(loadConfig({ cwd: empty, env: { RAMPART_TRUST_PROXY: 'loopback, 10.0.0.0/8' } }).trustProxy, 'loopback, 10.0.0.0/8');
  t.same(loadConfig({ cwd: empty, env: {}, options: { trustProxy: ['uniquelocal', '203.0.113.7'] } }).trustProxy, ['uniquelocal', '203.0.113.7']);
  t.throws(() => loadConfig({ cwd: empty, env: { RAMPART_TRUST_PROXY: 'my-proxy' } }), { message: /trustProxy/ });
  t.throws(() => loadConfig({ cwd: empty, env: {}, options: { trustProxy: ['10.0.0.0/33'] } }), { message: /trustProxy\[0\]/ });
  t.throws(() => loadConfig({ cwd: empty, env: {}, options: { trustProxy: -1 } }), { name: 'RampartConfigError', message: /trustProxy/ });
});

t.test("a second start() with the same app logger is the same configuration; another logger is reported, never walked", async (t) => {
  const app = pino({ level: 'silent' });
  const a = loadConfig({ cwd: empty, env: {}, options: { logger: app } });
  t.same(configDifferences(a, loadConfig({ cwd: empty, env: {}, options: { logger: app } })), []);
  t.same(configDifferences(a, loadConfig({ cwd: empty, env: {}, options: { logger: pino({ level: 'silent' }) } })), ['logger']);
});
