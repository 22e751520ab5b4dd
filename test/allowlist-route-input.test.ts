// An input allow rule scoped to a route (`allow.inputs[].method/path`, what `rampart suggest`
// writes) silences that input on that route only: the same input on another route, or another
// input on the same route, is still blocked. Real SQLite, real HTTP server.
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../src/index';
import { loadConfig } from '../src/config/load';
import { closeServer, listen, request } from './helpers/http';

start({
  logLevel: 'silent',
  allow: { inputs: [{ source: 'query', name: 'filter', method: 'get', path: '/reports/:id', kinds: ['sql_injection'] }] },
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const db = new Database(':memory:');
db.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items (name) VALUES ('a'), ('b')");

const server = createServer((req, res) => {
  const url = new URL(req.url!, 'http://x');
  const where = url.searchParams.get('filter') ?? url.searchParams.get('other') ?? "name = 'a'";
  try {
    const rows = db.prepare(`SELECT name FROM items WHERE ${where} ORDER BY id`).all() as Array<{ name: string }>;
    res.end(JSON.stringify(rows.map((r) => r.name)));
  } catch (error) {
    if (!res.headersSent) res.statusCode = 500;
    res.end(String(error));
  }
});
let base = '';
t.before(async () => (base = await listen(server)));
t.teardown(async () => {
  await closeServer(server);
  db.close();
  stop();
});

const FILTER = encodeURIComponent("name = 'a' OR name = 'b'");

t.test('the allowed input on its route runs', async (t) => {
  const res = await request(`${base}/reports/7?filter=${FILTER}`);
  t.equal(res.status, 200);
  t.same(res.json(), ['a', 'b']);
});

t.test('the same input on another route, another input, another method: still blocked', async (t) => {
  for (const [url, method] of [[`/other/7?filter=${FILTER}`, 'GET'], [`/reports/7?other=${FILTER}`, 'GET'], [`/reports/7?filter=${FILTER}`, 'POST'], [`/reports/7/x?filter=${FILTER}`, 'GET']] as const) {
    const res = await request(`${base}${url}`, { method });
    t.equal(res.status, 403, `${method} ${url}`);
  }
  t.same(db.prepare('SELECT name FROM items ORDER BY id').all(), [{ name: 'a' }, { name: 'b' }], 'the rows are untouched');
  t.equal(server.listening, true, 'server still up');
});

t.test('validation: path must be a pattern, method needs a path', async (t) => {
  const load = (inputs: unknown) => () => loadConfig({ cwd: __dirname, env: {}, options: { allow: { inputs } } });
  t.throws(load([{ source: 'query', name: 'q', path: 'reports' }]), /allow\.inputs\[0\]\.path.*starting with "\/"/);
  t.throws(load([{ source: 'query', name: 'q', method: 'GET' }]), /allow\.inputs\[0\]\.method.*only together with "path"/);
  const config = loadConfig({ cwd: __dirname, env: {}, options: { allow: { inputs: [{ source: 'query', name: 'q', path: '/r' }] } } });
  t.same(config.allow.inputs[0]!.route, { method: '*', path: '/r' });
});
