// fork(modulePath): the module a user picks must stay inside the directory the app chose.
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';
import { refusedCall, sandbox } from './sandbox';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cp = require('node:child_process') as typeof import('node:child_process');
const box = sandbox();
t.teardown(box.cleanup);
const workers = join(box.root, 'workers');
mkdirSync(workers);
writeFileSync(join(workers, 'ok.js'), 'process.send({ hello: process.argv[2] }, () => process.exit(4));\n');
// The module an attacker would like to run instead: it leaves the canary behind.
writeFileSync(join(box.root, 'evil.js'), `require('fs').writeFileSync(${JSON.stringify(box.canary)}, 'ran');\n`);

const job = (value: string) => ({ source: 'query' as const, name: 'job', value });
// Without tap's TypeScript loaders in the worker: plain .js starts in milliseconds.
const opts = { execArgv: [] };

t.test('benign module name: IPC message and exit code unchanged', async (t) => {
  const child = withInput(job('ok.js'), () => cp.fork(join(workers, 'ok.js'), ['arg'], opts));
  const [message] = await once(child, 'message');
  t.same(message, { hello: 'arg' });
  t.same(await once(child, 'exit'), [4, null]);

  const byUrl = withInput(job('ok.js'), () => cp.fork(pathToFileURL(join(workers, 'ok.js')), ['url'], opts));
  t.same((await once(byUrl, 'message'))[0], { hello: 'url' }, 'file: URL module paths work too');
  await once(byUrl, 'exit');
  t.equal(events.attacks().length, 0);
});

t.test('../evil.js escapes the workers directory: blocked as path traversal', async (t) => {
  const call = await refusedCall(() => withInput(job('../evil.js'), () => cp.fork(join(workers, '../evil.js'), opts)));
  t.type(call.error, RampartBlockedError);
  t.equal((call.error as RampartBlockedError).kind, 'path_traversal');
  t.equal((call.error as RampartBlockedError).sink, 'child_process.fork');
  t.notOk(call.started, 'no node process started');
  t.notOk(box.canaryExists());

  // A path the app builds with string concatenation is checked the same way.
  const url = await refusedCall(() => withInput(job('../evil.js'), () => cp.fork(pathToFileURL(`${workers}/../evil.js`), opts)));
  t.type(url.error, RampartBlockedError);
  t.notOk(url.started);

  const [event] = events.attacks();
  t.equal(event?.attributes['rampart.attack.kind'], 'path_traversal');
  t.equal(event?.attributes['security_rule.name'], 'path.traversal');
  t.equal(event?.attributes['file.path'], join(workers, '../evil.js'));
  t.equal(event?.attributes['process.executable.name'], 'node');
  events.reset();
});
