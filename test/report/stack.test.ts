// code.stacktrace: V8's frame lines from the app's call site on; frames above it (agents'
// wrappers, drivers) and rampart's own anywhere are dropped.
import { dirname, join } from 'node:path';
import t from 'tap';
import { appFirst, captureAppStack } from '../../src/report/stack';

// A frame of rampart's own code, in the tree the tests loaded it from (src/, or dist/: see
// test/helpers/compiled-src.cjs).
const OWN = join(dirname(dirname(require.resolve('../../src/report/stack'))), 'guard.ts');

t.test('starts at the first app frame, keeps the rest in order, V8 format', async (t) => {
  const stack = [
    'Error',
    `    at guardSink (${OWN}:40:5)`,
    '    at Database.prepare (/srv/app/node_modules/better-sqlite3/lib/methods/wrappers.js:5:21)',
    '    at Database.patched [as prepare] (/srv/app/node_modules/@opentelemetry/instrumentation/build/src/index.js:9:1)',
    '    at /srv/app/routes/users.js:23:15',
    '    at Layer.handleRequest (/srv/app/node_modules/router/lib/layer.js:152:17)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  ].join('\n');
  t.equal(
    appFirst(stack),
    [
      '    at /srv/app/routes/users.js:23:15',
      '    at Layer.handleRequest (/srv/app/node_modules/router/lib/layer.js:152:17)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ].join('\n'),
  );
});

t.test('no app frame: every frame but rampart’s; nothing: undefined', async (t) => {
  t.equal(appFirst('Error\n    at x (/srv/node_modules/a/b.js:1:1)'), '    at x (/srv/node_modules/a/b.js:1:1)');
  t.equal(appFirst(`Error\n    at guardSink (${OWN}:1:1)`), undefined);
});

t.test('a real capture starts at this test file', async (t) => {
  function sinkCall(): string | undefined {
    return captureAppStack(sinkCall);
  }
  const stack = sinkCall();
  t.match(stack?.split('\n')[0], /^ {4}at .*stack\.test\.ts:\d+:\d+\)?$/);
  t.notMatch(stack, /src[/\\]report[/\\]stack\.ts/);
});
