// The app's own connections made inside a request (a database pool opened lazily, a call to
// its own port) are not SSRF just because Host/Origin/Referer name the same loopback host.
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../../../src/index';
import { closeServer, listen, request } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Pool } = require('pg') as typeof import('pg');

t.test('a pg pool connecting to 127.0.0.1 during a request from a 127.0.0.1 client', async (t) => {
  const pool = new Pool({ host: '127.0.0.1', user: 'postgres', database: 'rampart_test', max: 1 });
  t.teardown(() => pool.end());
  const server = createServer(async (_req, res) => {
    try {
      const { rows } = await pool.query('SELECT 41 + 1 AS answer');
      res.end(JSON.stringify(rows));
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  const base = await listen(server);
  t.teardown(() => closeServer(server));
  const res = await request(`${base}/report`, { headers: { origin: base, referer: `${base}/page` } });
  t.equal(res.status, 200, res.text);
  t.same(res.json(), [{ answer: 42 }]);
  t.equal(events.attacks().length, 0, 'no finding');
});

t.test('a URL in a query parameter naming the same loopback host is still caught', async (t) => {
  let internalHits = 0;
  const internal = createServer((_req, res) => {
    internalHits++;
    res.end('secret');
  });
  const internalBase = await listen(internal);
  t.teardown(() => closeServer(internal));
  const app = createServer(async (req, res) => {
    const target = new URL(req.url!, 'http://x').searchParams.get('url')!;
    try {
      res.end(await (await fetch(target)).text());
    } catch (error) {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end(String(error));
      }
    }
  });
  const base = await listen(app);
  t.teardown(() => closeServer(app));
  const res = await request(`${base}/fetch?url=${encodeURIComponent(`${internalBase}/secret`)}`);
  t.equal(res.status, 403);
  t.equal(internalHits, 0, 'internal server never hit');
});
