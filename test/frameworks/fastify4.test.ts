// Fastify 4 (from the legacy fixture) over real HTTP, with @fastify/cookie 9,
// @fastify/formbody 7 and @fastify/multipart 8: inputs on fastify's request reach rampart
// through the `fastify.initialization` diagnostics channel as with fastify 5. Every
// source reaches a SQLite sink and is blocked with the right source and path, benign
// input works, multipart fields read from `request.file()` and from
// `attachFieldsToBody` are inputs, and shell, file and outbound sinks are blocked.
import t from 'tap';
import { currentContext } from '../../src/context/store';
import { start, stop } from '../../src/index';
import { request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { ALL_SOURCES, sinkCases, sourceCases } from './cases';
import { legacyMajor, requireLegacy } from './legacy';
import { sinkActions, sinkSandbox } from './sinks';
import { usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

const Fastify = requireLegacy('fastify');
const cookie = requireLegacy('@fastify/cookie');
const formbody = requireLegacy('@fastify/formbody');
const multipart = requireLegacy('@fastify/multipart');
const db = usersDb();
const box = sinkSandbox('fastify4');
const sinks = sinkActions(box);

interface Req {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body: any;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  file(): Promise<{ fields: Record<string, { value: string }>; toBuffer(): Promise<Buffer> }>;
}
const q = (req: Req) => req.query as Record<string, string>;

const app = Fastify();
app.register(cookie);
app.register(formbody);
app.register(multipart);
app.get('/users/:name', async (req: Req) => db.findUser(req.params.name!));
app.get('/by-query', async (req: Req) => db.findUser(q(req).name!));
app.get('/by-tags', async (req: Req) => db.findUser(([] as string[]).concat(req.query.tag!).join(',')));
app.post('/by-json', async (req: Req) => db.findUser(req.body.user.name));
app.post('/by-form', async (req: Req) => db.findUser(req.body.name));
app.post('/by-text', async (req: Req) => db.findUser(req.body));
app.post('/by-multipart', async (req: Req) => {
  // The documented single-file form: text fields sent before the file are on `data.fields`.
  const data = await req.file();
  await data.toBuffer();
  return db.findUser(data.fields.name!.value);
});
app.get('/by-header', async (req: Req) => db.findUser(req.headers['x-user']!));
app.get('/by-cookie', async (req: Req) => db.findUser(req.cookies.user!));
app.get('/echo', async (req: Req) => sinks.echo(q(req).msg!));
app.get('/file', async (req: Req) => sinks.readFile(q(req).name!));
app.get('/preview', async (req: Req) => sinks.preview(q(req).url!));

// A second instance that lets @fastify/multipart put the parts on request.body.
const attached = Fastify();
attached.register(multipart, { attachFieldsToBody: true });
attached.post('/by-multipart', async (req: Req) => db.findUser(req.body.name.value));
// What the request's context collected from the body, after a sink check.
attached.post('/body-inputs', async () => {
  db.findUser('alice');
  return currentContext()!.inputs().filter((i) => i.source === 'body').map((i) => i.path);
});

let base = '';
let attachedBase = '';
t.before(async () => {
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  attachedBase = await attached.listen({ port: 0, host: '127.0.0.1' });
});
t.teardown(() => Promise.all([app.close(), attached.close()]));

t.equal(legacyMajor('fastify'), 4, 'fastify 4 under test');
const underTest = { base: () => base, events, db, box };
sourceCases(t, underTest, ALL_SOURCES);
sinkCases(t, underTest);
// The same multipart case against the instance with attachFieldsToBody.
sourceCases(t, { base: () => attachedBase, events, db }, ['multipart']);

t.test('multipart with attachFieldsToBody: each field once, the part objects are not walked into each other', async (t) => {
  // Each part object points back at the whole body: walked as JSON it would repeat every
  // field at every level down to limits.maxDepth.
  const data = new FormData();
  for (let i = 0; i < 20; i++) data.append(`f${i}`, `v${i}`);
  data.append('upload', new Blob(['file bytes']), 'notes.txt');
  const res = await request(`${attachedBase}/body-inputs`, { method: 'POST', body: data });
  t.equal(res.status, 200);
  t.same(res.json(), Array.from({ length: 20 }, (_, i) => `f${i}`), 'one input per text field, named by the field');
  t.equal(events.attacks().length, 0);
});
