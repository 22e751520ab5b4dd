// Hostile shapes through fastify: every request reaches a SQL sink, so rampart collects
// its inputs; none crashes the server, and the collection stays within limits.*.
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { captureOtelLogs } from '../helpers/otel';
import { LIMITS, collected, hostileShapeTests } from './hostile';
import { usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent', limits: LIMITS });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Fastify = require('fastify') as typeof import('fastify').default;
const db = usersDb();

// Large headers allowed so 100k query keys reach the app instead of a 431.
const app = Fastify({ bodyLimit: 20 * 1024 * 1024, serverFactory: (handler) => createServer({ maxHeaderSize: 4 * 1024 * 1024 }, handler) });
const handler = async () => ({ rows: db.findUser('alice').length, ...collected() });
app.get('/probe', handler);
app.post('/probe', handler);

let base = '';
t.before(async () => {
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
t.teardown(() => app.close());

hostileShapeTests(t, () => base, () => events.attacks());
