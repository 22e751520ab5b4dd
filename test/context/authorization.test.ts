// Inputs inside an Authorization header: the credentials after the scheme (opaque API
// tokens), the user name and password of Basic credentials, and bearer JWT claims. A real
// http server and a real SQLite database; the app builds its SQL from what it decoded.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const dir = mkdtempSync(join(tmpdir(), 'rampart-auth-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const db = new Database(join(dir, 'auth.db'));
db.exec(`CREATE TABLE users (name TEXT, password TEXT, token TEXT);
  INSERT INTO users VALUES ('alice', 's3cret', 'tok-alice'), ('bob', 'hunter2', 'tok-bob')`);

// Vulnerable on purpose: the token and the Basic credentials are pasted into SQL.
const server = createServer((req, res) => {
  const header = req.headers.authorization ?? '';
  const [scheme, credentials = ''] = header.split(' ');
  try {
    let rows: unknown[] = [];
    if (scheme === 'Token') {
      rows = db.prepare(`SELECT name FROM users WHERE token = '${credentials}'`).all();
    } else if (scheme === 'Basic') {
      const [name, password] = Buffer.from(credentials, 'base64').toString('utf8').split(':');
      rows = db.prepare(`SELECT name FROM users WHERE name = '${name}' AND password = '${password}'`).all();
    }
    res.end(JSON.stringify(rows));
  } catch (error) {
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end(String(error));
    }
  }
});
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(() => closeServer(server));

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const get = (authorization: string) => request(`${base}/me`, { headers: { authorization } });

t.test('an opaque token after the scheme is an input', async (t) => {
  t.same((await get('Token tok-bob')).json(), [{ name: 'bob' }], 'benign token works');
  t.equal(events.attacks().length, 0);
  const res = await get("Token x'OR'1'='1");
  t.equal(res.status, 403);
  t.notMatch(res.text, /alice|bob/, 'no user leaked');
  const attrs = events.attacks()[0]?.attributes;
  t.equal(attrs?.['rampart.input.source'], 'headers');
  t.equal(attrs?.['rampart.input.path'], 'authorization.credentials');
  t.equal(attrs?.['rampart.input.redacted'], true, 'a credential is never reported');
  t.notOk(attrs?.['rampart.input.value'], 'no value in the event');
  events.reset();
});

t.test('Basic credentials are decoded: user name and password are inputs', async (t) => {
  t.same((await get(basic('alice', 's3cret'))).json(), [{ name: 'alice' }], 'benign login works');
  t.same((await get(basic('alice', 'wrong'))).json(), [], 'a wrong password finds no one');
  t.equal(events.attacks().length, 0);
  const byName = await get(basic("alice' --", 'anything'));
  t.equal(byName.status, 403, 'comment after the user name');
  t.notMatch(byName.text, /alice/);
  t.equal(events.attacks()[0]?.attributes['rampart.input.path'], 'authorization.username');
  events.reset();
  const byPassword = await get(basic('alice', "x' OR '1'='1"));
  t.equal(byPassword.status, 403, 'tautology in the password');
  t.equal(events.attacks()[0]?.attributes['rampart.input.path'], 'authorization.password');
  t.equal(events.attacks()[0]?.attributes['rampart.input.redacted'], true);
  events.reset();
});

t.test('malformed Authorization headers are no inputs and no errors', async (t) => {
  for (const header of ['Basic', 'Basic !!!notbase64', 'Basic ' + Buffer.from('no-colon').toString('base64'), 'Token', ' ', 'Bearer a.b']) {
    const res = await get(header);
    t.equal(res.status, 200, JSON.stringify(header));
  }
  t.equal(events.attacks().length, 0);
});
