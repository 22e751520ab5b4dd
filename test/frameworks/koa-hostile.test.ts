// Hostile shapes through koa with @koa/router and @koa/bodyparser: every request reaches
// a SQL sink, so rampart collects its inputs; none crashes the server, and the
// collection stays within limits.*.
import { createServer, type Server } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { LIMITS, collected, hostileShapeTests } from './hostile';
import { usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent', limits: LIMITS });
t.teardown(stop);

interface KoaApp {
  silent: boolean;
  use(mw: unknown): KoaApp;
  callback(): (req: unknown, res: unknown) => void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Koa = require('koa') as new () => KoaApp;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Router = require('@koa/router') as typeof import('@koa/router').default;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bodyParser } = require('@koa/bodyparser') as typeof import('@koa/bodyparser');
const db = usersDb();

const app = new Koa();
app.silent = true;
const router = new Router();
const probe = (ctx: { body: unknown }) => void (ctx.body = { rows: db.findUser('alice').length, ...collected() });
router.get('/probe', probe);
router.post('/probe', probe);
app.use(bodyParser({ jsonLimit: '20mb' }));
app.use(router.routes());

// Large headers allowed so 100k query keys reach the app instead of a 431.
const server: Server = createServer({ maxHeaderSize: 4 * 1024 * 1024 }, app.callback() as never);
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(() => closeServer(server));

hostileShapeTests(t, () => base, () => events.attacks());
