// Credentials never leave the process: the cookie and authorization header values of a
// blocked request appear neither in rampart's pino line nor in its OTel event, whether the
// attack came through the query string (credentials merely present) or through the
// cookie, the Authorization header or an API key header itself.
/* eslint-disable @typescript-eslint/no-require-imports */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { start, stop } from '../../src/index';
import { logLinesWhen } from '../fixtures/hardening-telemetry';
import { closeServer, listen, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';

const events = captureOtelLogs();
const logFile = join(mkdtempSync(join(tmpdir(), 'rampart-secrets-')), 'rampart.log');
start({ logLevel: 'info', logDestination: logFile });
t.teardown(stop);

const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const db = new Database(':memory:');
db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('alice')");

// Vulnerable on purpose, through three different places a value comes from.
const server = createServer((req, res) => {
  const url = new URL(req.url!, 'http://localhost');
  const cookie = /(?:^|; )theme=([^;]*)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
  const from: Record<string, string> = {
    '/query': url.searchParams.get('name') ?? '',
    '/cookie': decodeURIComponent(cookie),
    // An API key sent as the whole Authorization value, or in X-Api-Key, looked up in SQL.
    '/auth': req.headers.authorization ?? '',
    '/apikey': String(req.headers['x-api-key'] ?? ''),
  };
  try {
    res.end(JSON.stringify(db.prepare(`SELECT * FROM users WHERE name = '${from[url.pathname]}'`).all()));
  } catch {
    res.statusCode = 500;
    res.end('error');
  }
});
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(() => closeServer(server));

const SESSION = 'SESSION-SECRET-7f3a9c';
// A JWT-shaped token: its claims are collected as inputs, the token itself is a credential.
const JWT = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"alice"}').toString('base64url')}.SIGNATURE-SECRET-b41e`;
const API_KEY = 'APIKEY-SECRET-0d2c';

/** Every secret must be absent from every signal. */
function assertNoSecrets(t: Test, secrets: readonly string[], pino: string): void {
  const otel = JSON.stringify(events.exporter.getFinishedLogRecords().map((r) => ({ body: r.body, attributes: r.attributes })));
  t.ok(events.attacks().length > 0, 'an event was emitted');
  for (const secret of secrets) {
    t.notOk(pino.includes(secret), `pino log does not contain ${secret.slice(0, 14)}…`);
    t.notOk(otel.includes(secret), `OTel event does not contain ${secret.slice(0, 14)}…`);
  }
}

async function pinoText(lines: number): Promise<string> {
  await logLinesWhen(logFile, (ls) => ls.filter((l) => l.event === 'rampart.attack').length >= lines);
  return readFileSync(logFile, 'utf8');
}

t.test('attack in the query; cookie, authorization and api key present', async (t) => {
  events.reset();
  const res = await request(`${base}/query?name=${encodeURIComponent("x' OR '1'='1")}`, {
    headers: { cookie: `session=${SESSION}; theme=dark`, authorization: `Bearer ${JWT}`, 'x-api-key': API_KEY },
  });
  t.equal(res.status, 403);
  assertNoSecrets(t, [SESSION, JWT, 'SIGNATURE-SECRET-b41e', API_KEY], await pinoText(1));
  t.equal(events.attacks()[0]?.attributes['rampart.input.source'], 'query');
});

t.test('attack carried by a cookie: its value is redacted', async (t) => {
  events.reset();
  const value = "x' OR 'COOKIE-SECRET-91'='COOKIE-SECRET-91";
  const res = await request(`${base}/cookie`, { headers: { cookie: `session=${SESSION}; theme=${encodeURIComponent(value)}` } });
  t.equal(res.status, 403);
  assertNoSecrets(t, [SESSION, value, 'COOKIE-SECRET-91'], await pinoText(2));
  const attrs = events.attacks()[0]?.attributes;
  t.equal(attrs?.['rampart.input.source'], 'cookies');
  t.equal(attrs?.['rampart.input.redacted'], true);
});

t.test('attack carried by the Authorization header: its value is redacted', async (t) => {
  events.reset();
  const value = "x' OR 'AUTH-SECRET-33'='AUTH-SECRET-33";
  const res = await request(`${base}/auth`, { headers: { authorization: value } });
  t.equal(res.status, 403);
  assertNoSecrets(t, [value, 'AUTH-SECRET-33'], await pinoText(3));
  t.equal(events.attacks()[0]?.attributes['rampart.input.redacted'], true);
});

t.test('attack carried by an API key header (a telemetry.redactKeys name): its value is redacted', async (t) => {
  events.reset();
  const value = "x' OR 'KEY-SECRET-58'='KEY-SECRET-58";
  const res = await request(`${base}/apikey`, { headers: { 'x-api-key': value } });
  t.equal(res.status, 403);
  assertNoSecrets(t, [value, 'KEY-SECRET-58'], await pinoText(4));
  t.equal(events.attacks()[0]?.attributes['rampart.input.redacted'], true);
});
