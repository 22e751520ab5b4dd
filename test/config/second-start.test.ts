// A second start() while running keeps the first configuration; options that would have
// changed something are named in a warning, and invalid ones still throw.
import t from 'tap';
import { runChild } from '../helpers/child';
import { configDifferences } from '../../src/config/differences';
import { loadConfig } from '../../src/config/load';

const resolve = (options: object) => loadConfig({ cwd: __dirname, env: {}, options });

t.test('configDifferences names the dotted keys that differ', async (t) => {
  t.same(configDifferences(resolve({}), resolve({})), []);
  t.same(configDifferences(resolve({ mode: 'block' }), resolve({ mode: 'monitor', blockResponse: { status: 451 } })), [
    'mode',
    'modes.sql_injection',
    'modes.command_injection',
    'modes.path_traversal',
    'modes.ssrf',
    'blockResponse.status',
  ]);
  t.same(configDifferences(resolve({}), resolve({ allow: { sinks: ['fs.*'] } })), ['allow.sinks']);
});

// Runs in a child so the agent's own pino lines on stdout can be read.
const SCRIPT = `
const rampart = require('rampart');
rampart.start({ mode: 'block' });
rampart.start({ mode: 'block' });
rampart.start({ modes: { ssrf: 'monitor' }, blockResponse: { status: 451 } });
try { rampart.start({ mode: 'blokc' }); } catch (e) { console.log(JSON.stringify({ thrown: e.code, message: e.message })); }
const fs = require('node:fs');
console.log(JSON.stringify({ alive: true }));
`;

t.test('a second start(): same options are quiet, other options warn by key, invalid ones throw', async (t) => {
  const run = await runChild(['-e', SCRIPT]);
  t.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.equal(lines.filter((l) => l.event === 'rampart.started').length, 1, 'started once');
  const ignored = lines.filter((l) => l.event === 'rampart.start_ignored');
  t.equal(ignored.length, 1, 'one warning: the identical second call is not one');
  t.equal(ignored[0]!.level, 'warn');
  t.same(ignored[0]!.differing, ['modes.ssrf', 'blockResponse.status']);
  t.match(String(ignored[0]!.msg), 'these keys are NOT changed: modes.ssrf, blockResponse.status');
  t.match(String(ignored[0]!.msg), 'stop() before start()');
  const thrown = lines.find((l) => l.thrown !== undefined);
  t.equal(thrown?.thrown, 'RAMPART_CONFIG_INVALID');
  t.match(String(thrown?.message), '"mode" is "blokc"');
  t.ok(lines.some((l) => l.alive === true), 'the app runs on');
});
