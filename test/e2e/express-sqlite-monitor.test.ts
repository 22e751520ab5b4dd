// The default demo app in monitor mode: the attack runs and is reported once.
import type { Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { request, serveOnLoopback } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';

const events = captureOtelLogs();
start({ mode: 'monitor', logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { app } = require('../../examples/express-sqlite/app.js') as { app: import('express').Express };
const server: Server = app.listen();
const site = serveOnLoopback(t, server);

t.test('the injected query runs and one finding is reported as monitored', async (t) => {
  const res = await request(`${site.base}/users?name=${encodeURIComponent("' OR '1'='1")}`);
  t.equal(res.status, 200);
  t.equal((res.json() as unknown[]).length, 3, 'the tautology returned every row: monitor mode never interferes');
  const attacks = events.attacks();
  t.equal(attacks.length, 1);
  t.equal(attacks[0]?.attributes['rampart.action'], 'monitored');
  t.equal(attacks[0]?.severityText, 'WARN');
});
