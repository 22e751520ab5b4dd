// Which @opentelemetry/api copy rampart reports through, decided by the version that
// registered the app's providers; a one-time warning naming the versions when no copy
// rampart can load reads them. The registry is the API's real global (a plain object under
// a Symbol.for key), set here as an older API would set it.
import * as api from '@opentelemetry/api';
import t from 'tap';
import { canRead, onApiMismatch, otelApi, resetOtelApi } from '../../src/report/otel-api';

const KEY = Symbol.for('opentelemetry.js.api.1');
const globals = globalThis as unknown as Record<symbol, unknown>;

t.test("the API's own compatibility rule", async (t) => {
  t.ok(canRead('1.9.1', '1.10.0'), 'an older reader reads a newer registry');
  t.notOk(canRead('1.10.0', '1.9.1'), 'a newer reader rejects an older registry');
  t.ok(canRead('1.10.0', '1.10.0'));
  t.notOk(canRead('1.10.0', '2.0.0'), 'another major');
  t.notOk(canRead('1.10.0', '1.11.0-rc.1'), 'prereleases only match exactly');
  t.ok(canRead('0.5.1', '0.5.3'));
  t.notOk(canRead('0.5.1', '0.6.0'));
});

t.test('nothing registered: a copy is used, no warning', async (t) => {
  const warnings: string[] = [];
  onApiMismatch((message) => warnings.push(message));
  resetOtelApi();
  t.equal(globals[KEY], undefined);
  t.equal(otelApi().trace.getSpan, api.trace.getSpan, "rampart's (here also the app's) copy");
  t.same(warnings, []);
});

t.test('registered by an API no loadable copy can read: one warning naming both versions, no crash', async (t) => {
  const warnings: Array<[string, Record<string, unknown>]> = [];
  onApiMismatch((message, fields) => warnings.push([message, fields]));
  resetOtelApi();
  globals[KEY] = { version: '1.9.1' };
  t.teardown(() => {
    delete globals[KEY];
    resetOtelApi();
    onApiMismatch(() => {});
  });
  const copy = otelApi();
  t.equal(copy.trace.getSpan(copy.context.active()), undefined, 'still usable: reads nothing');
  otelApi();
  t.equal(warnings.length, 1, 'warned once');
  t.match(warnings[0]![0], /@opentelemetry\/api 1\.9\.1/);
  t.match(warnings[0]![0], /1\.10\.0 \(/, "names the copy rampart found and where");
  t.equal(warnings[0]![1].event, 'rampart.otel_api_mismatch');
});
