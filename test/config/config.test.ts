import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config/load';
import { RampartConfigError } from '../../src/config/errors';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const empty = dirWith({});

t.test('defaults: block everything, no allowlists', async (t) => {
  const c = loadConfig({ cwd: empty, env: {} });
  t.equal(c.mode, 'block');
  t.same(c.modes, { sql_injection: 'block', command_injection: 'block', path_traversal: 'block', ssrf: 'block' });
  t.equal(c.blockResponse.status, 403);
  t.same(c.allow, { routes: [], inputs: [], values: [], sinks: [] });
  t.ok(Object.isFrozen(c) && Object.isFrozen(c.modes) && Object.isFrozen(c.telemetry.redactKeys), 'deeply frozen');
});

t.test('rampart.json in the working directory', async (t) => {
  const dir = dirWith({ 'rampart.json': JSON.stringify({ mode: 'monitor', modes: { ssrf: 'off' }, logLevel: 'warn' }) });
  const c = loadConfig({ cwd: dir, env: {} });
  t.equal(c.mode, 'monitor');
  t.equal(c.modes.sql_injection, 'monitor', 'kinds inherit the global mode');
  t.equal(c.modes.ssrf, 'off', 'per-kind override');
  t.equal(c.logLevel, 'warn');
});

t.test('RAMPART_CONFIG names another file, relative to the working directory', async (t) => {
  const dir = dirWith({ 'custom.json': JSON.stringify({ blockResponse: { status: 451 } }) });
  const c = loadConfig({ cwd: dir, env: { RAMPART_CONFIG: 'custom.json' } });
  t.equal(c.blockResponse.status, 451);
  t.equal(c.blockResponse.json.error, 'Forbidden', 'unset block response keys keep defaults');
});

t.test('precedence: defaults < file < env < options', async (t) => {
  const dir = dirWith({ 'rampart.json': JSON.stringify({ mode: 'monitor', logLevel: 'debug', blockResponse: { status: 401 } }) });
  const env = { RAMPART_MODE: 'off', RAMPART_LOG_LEVEL: 'error', RAMPART_SQL_INJECTION_MODE: 'monitor' };
  const fromEnv = loadConfig({ cwd: dir, env });
  t.equal(fromEnv.mode, 'off', 'env beats file');
  t.equal(fromEnv.modes.sql_injection, 'off', 'global off is a kill switch');
  t.equal(fromEnv.blockResponse.status, 401, 'file value kept where env is silent');
  const fromOptions = loadConfig({ cwd: dir, env, options: { mode: 'block', logLevel: 'info' } });
  t.equal(fromOptions.mode, 'block', 'options beat env');
  t.equal(fromOptions.logLevel, 'info');
  t.equal(fromOptions.modes.sql_injection, 'monitor', 'env per-kind override applies under the options global mode');
  t.equal(fromOptions.modes.command_injection, 'block');
});

t.test('every RAMPART_* variable', async (t) => {
  const c = loadConfig({
    cwd: empty,
    env: {
      RAMPART_MODE: 'monitor',
      RAMPART_COMMAND_INJECTION_MODE: 'block',
      RAMPART_PATH_TRAVERSAL_MODE: 'off',
      RAMPART_SSRF_MODE: 'block',
      RAMPART_LOG_LEVEL: 'silent',
      RAMPART_LOG_DESTINATION: 'stderr',
      RAMPART_BLOCK_STATUS: '406',
      RAMPART_INCLUDE_INPUT_VALUE: 'false',
      RAMPART_ALLOW_FULL_QUERY_INPUT: 'true',
      PATH: '/usr/bin',
    },
  });
  t.same(c.modes, { sql_injection: 'monitor', command_injection: 'block', path_traversal: 'off', ssrf: 'block' });
  t.equal(c.logLevel, 'silent');
  t.equal(c.logDestination, 'stderr');
  t.equal(c.blockResponse.status, 406);
  t.equal(c.telemetry.includeInputValue, false);
  t.equal(c.sql.allowFullQueryInput, true);
});

t.test('allowlists are validated and normalised', async (t) => {
  const c = loadConfig({
    cwd: empty,
    env: {},
    options: {
      allow: {
        routes: [{ method: 'post', path: '/admin/**', kinds: ['sql_injection'] }, { path: '/health' }],
        inputs: [{ source: 'body', name: 'query' }],
        sinks: ['child_process.*'],
      },
    },
  });
  t.same(c.allow.routes, [
    { method: 'POST', path: '/admin/**', kinds: ['sql_injection'] },
    { method: '*', path: '/health', kinds: [] },
  ]);
  t.same(c.allow.inputs, [{ source: 'body', name: 'query', kinds: [] }]);
  t.same(c.allow.sinks, ['child_process.*']);
});

const invalid: Array<[string, () => unknown, RegExp]> = [
  ['bad mode in options', () => loadConfig({ cwd: empty, env: {}, options: { mode: 'blok' } }), /in start\(\) options: "mode" is "blok"; allowed: block, monitor, off/],
  ['bad mode in env', () => loadConfig({ cwd: empty, env: { RAMPART_MODE: 'loud' } }), /in the environment \(RAMPART_MODE\): "mode" is "loud"; allowed: block, monitor, off/],
  ['unknown env variable', () => loadConfig({ cwd: empty, env: { RAMPART_MOOD: 'x' } }), /"RAMPART_MOOD" is "x"; allowed: one of the variables RAMPART_MODE/],
  ['bad per-kind mode', () => loadConfig({ cwd: empty, env: { RAMPART_SSRF_MODE: 'yes' } }), /"modes.ssrf" is "yes"/],
  ['unknown attack kind', () => loadConfig({ cwd: empty, env: {}, options: { modes: { xss: 'block' } } }), /"modes.xss" is "block"; allowed: one of the keys sql_injection/],
  ['unknown top-level key', () => loadConfig({ cwd: empty, env: {}, options: { blockmode: true } }), /"blockmode" is true; allowed: one of the keys mode, modes/],
  ['status out of range', () => loadConfig({ cwd: empty, env: {}, options: { blockResponse: { status: 99 } } }), /"blockResponse.status" is 99; allowed: an integer from 200 to 599/],
  ['status not a number in env', () => loadConfig({ cwd: empty, env: { RAMPART_BLOCK_STATUS: 'forbidden' } }), /"blockResponse.status" is "forbidden"/],
  ['bad log level', () => loadConfig({ cwd: empty, env: {}, options: { logLevel: 'verbose' } }), /"logLevel" is "verbose"; allowed: trace, debug, info, warn, error, fatal, silent/],
  ['route without slash', () => loadConfig({ cwd: empty, env: {}, options: { allow: { routes: [{ path: 'admin' }] } } }), /"allow.routes\[0\].path" is "admin"; allowed: a path pattern starting with "\/"/],
  ['route kinds not an array', () => loadConfig({ cwd: empty, env: {}, options: { allow: { routes: [{ path: '/a', kinds: 'ssrf' }] } } }), /"allow.routes\[0\].kinds" is "ssrf"/],
  ['input source unknown', () => loadConfig({ cwd: empty, env: {}, options: { allow: { inputs: [{ source: 'form', name: 'q' }] } } }), /"allow.inputs\[0\].source" is "form"/],
  ['relative allowed root', () => loadConfig({ cwd: empty, env: {}, options: { path: { allowedRoots: ['uploads'] } } }), /"path.allowedRoots\[0\]" is "uploads"; allowed: an absolute directory path/],
  ['boolean as string in options', () => loadConfig({ cwd: empty, env: {}, options: { ssrf: { blockMetadata: 'yes' } } }), /"ssrf.blockMetadata" is "yes"; allowed: true or false/],
  ['limits too small', () => loadConfig({ cwd: empty, env: {}, options: { limits: { maxDepth: 0 } } }), /"limits.maxDepth" is 0/],
  ['options not an object', () => loadConfig({ cwd: empty, env: {}, options: 'block' }), /"\(root\)" is "block"; allowed: an object/],
  ['malformed JSON file', () => loadConfig({ cwd: dirWith({ 'rampart.json': '{ "mode": ' }), env: {} }), /"configFile" is ".*rampart.json"; allowed: valid JSON/],
  ['JSON file that is an array', () => loadConfig({ cwd: dirWith({ 'rampart.json': '[]' }), env: {} }), /rampart.json: "\(root\)" is \[\]; allowed: an object/],
  ['bad value in file', () => loadConfig({ cwd: dirWith({ 'rampart.json': '{"mode":"nope"}' }), env: {} }), /in .*rampart.json: "mode" is "nope"/],
  ['named file missing', () => loadConfig({ cwd: empty, env: { RAMPART_CONFIG: 'missing.json' } }), /"configFile" is ".*missing.json"; allowed: a readable JSON file/],
];

for (const [name, load, message] of invalid) {
  t.test(`invalid: ${name}`, async (t) => {
    t.throws(load, RampartConfigError);
    try {
      load();
    } catch (error) {
      t.match((error as Error).message, message);
      t.equal((error as RampartConfigError).code, 'RAMPART_CONFIG_INVALID');
    }
  });
}

t.test('a __proto__ key in a config file does not pollute', async (t) => {
  const dir = dirWith({ 'rampart.json': '{"__proto__": {"polluted": true}}' });
  t.throws(() => loadConfig({ cwd: dir, env: {} }), /"__proto__"/, 'unknown key is rejected');
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});
