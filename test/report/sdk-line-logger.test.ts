// The logger option inside the SDK 3.x setup with instrumentation-pino bridging the app's
// pino (see sdk-line.ts): rampart's lines go through the app's logger, and a finding still
// reaches the pipeline exactly once.
import t from 'tap';
import { exercise, runLine } from './sdk-line';

t.test('SDK 3.x: the logger option routes rampart lines through the app logger, one record per finding', async (t) => {
  const { app, receiver } = await runLine('otel-sdk3', { APP_LOGGER: '1' });
  t.teardown(() => receiver.close());
  t.teardown(() => app.stop());
  const requestId = await exercise(t, app);
  await app.stop();
  t.ok(app.lines.some((l) => l.name === 'app' && l.event === 'rampart.started'), "rampart's start line written by the app's logger");
  t.notOk(app.lines.some((l) => l.name === 'rampart'), "rampart's own pino logger unused");
  const findingRecords = receiver.logs.filter((l) => l.attributes['rampart.action'] !== undefined);
  t.equal(findingRecords.length, 1, 'the bridged app logger gets no finding line while the event is recorded: one record');
  t.equal(findingRecords[0]?.eventName, 'rampart.attack');
  t.equal(findingRecords[0]?.attributes['rampart.request.id'], requestId);
});

t.test('SDK 3.x without OTel logs: the finding line goes through the app logger instead', async (t) => {
  const { app, receiver } = await runLine('otel-sdk3', { APP_LOGGER: '1', OTEL_LOGS_EXPORTER: 'none' });
  t.teardown(() => receiver.close());
  t.teardown(() => app.stop());
  const requestId = await exercise(t, app);
  await app.stop();
  const lines = app.lines.filter((l) => l.event === 'rampart.attack');
  t.equal(lines.length, 1, 'one line, through the app logger');
  t.equal(lines[0]?.name, 'app');
  t.equal(lines[0]?.['rampart.request.id'], requestId);
  t.equal(receiver.logs.length, 0, 'no log records exported');
});
