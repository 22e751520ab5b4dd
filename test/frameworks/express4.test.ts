// Express 4 (from the legacy fixture) over real HTTP, with a mounted Router, body parsers,
// cookie-parser and multer: every input source reaches a SQLite sink and is blocked with
// the right source and path, benign input works, and shell, file and outbound sinks fed
// from a query value are blocked with their effect proven absent.
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { ALL_SOURCES, sinkCases, sourceCases } from './cases';
import { legacyMajor, requireLegacy } from './legacy';
import { sinkActions, sinkSandbox } from './sinks';
import { usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

const express = requireLegacy('express');
const cookieParser = requireLegacy('cookie-parser');
const multer = requireLegacy('multer');
const db = usersDb();
const box = sinkSandbox('express4');
const sinks = sinkActions(box);

interface Req {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body: any;
  cookies: Record<string, string>;
  get(name: string): string;
}
type Next = (error?: unknown) => void;
interface Res {
  json(value: unknown): void;
  status(code: number): Res;
  send(body: string): void;
}

// Express 4 does not catch a rejected promise: routes hand errors to next(), as express 4 apps do.
const json = (fn: (req: Req) => unknown) => (req: Req, res: Res, next: Next) => {
  Promise.resolve()
    .then(() => fn(req))
    .then((value) => res.json(value), next);
};

const app = express();
app.use(express.json(), express.urlencoded({ extended: true }), express.text(), cookieParser());
const users = express.Router();
users.get('/users/:name', json((req) => db.findUser(req.params.name!)));
app.use('/api', users);
app.get('/by-query', json((req) => db.findUser(String(req.query.name))));
app.get('/by-tags', json((req) => db.findUser(([] as string[]).concat(req.query.tag!).join(','))));
app.post('/by-json', json((req) => db.findUser(req.body.user.name)));
app.post('/by-form', json((req) => db.findUser(req.body.name)));
app.post('/by-text', json((req) => db.findUser(req.body)));
app.post('/by-multipart', multer().single('upload'), json((req) => db.findUser(req.body.name)));
app.get('/by-header', json((req) => db.findUser(req.get('x-user'))));
app.get('/by-cookie', json((req) => db.findUser(req.cookies.user!)));
app.get('/echo', json((req) => sinks.echo(String(req.query.msg))));
app.get('/file', json((req) => sinks.readFile(String(req.query.name))));
app.get('/preview', json((req) => sinks.preview(String(req.query.url))));
// The app's own error handler: rampart's 403 has been sent already, this cannot undo it.
app.use((_error: unknown, _req: Req, res: Res, _next: Next) => res.status(500).send('internal error'));

const server = createServer(app);
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(() => closeServer(server));

t.equal(legacyMajor('express'), 4, 'express 4 under test');
const underTest = { base: () => base, events, db, box };
sourceCases(t, underTest, ALL_SOURCES, { prefix: '/api' });
sinkCases(t, underTest);
