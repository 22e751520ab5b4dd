// Secrets planted everywhere an attack's telemetry reads from: inputs named like secrets,
// the app's own SQL literals (behind an attacker's unmatched quote), the app's command
// line (passwords, env assignments, curl credentials), URLs (userinfo, presigned query
// parameters) and tokens in the request path. Real attacks run through a real app with
// rampart's pino file and the real OTel SDK; no secret occurs in either, and each attack
// is proven to have had no effect while its benign twin works.
/* eslint-disable @typescript-eslint/no-require-imports */
import { exec } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { start, stop } from '../../src/index';
import { logLinesWhen } from '../fixtures/hardening-telemetry';
import { closeServer, listen, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { startServer, type TestServer } from '../hooks/outbound/servers';

const events = captureOtelLogs();
const dir = mkdtempSync(join(tmpdir(), 'rampart-leaks-'));
const logFile = join(dir, 'rampart.log');
// A user who adds one key keeps every built-in one.
start({ logLevel: 'info', logDestination: logFile, telemetry: { redactKeys: ['ssn'] }, ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const db = new Database(':memory:');
db.exec("CREATE TABLE leak_users (name TEXT, api_key TEXT); INSERT INTO leak_users VALUES ('alice', 'sk_live_APPLITERAL_9f2c')");

const APP_LITERAL = 'sk_live_APPLITERAL_9f2c';
const CMD_SECRETS = ['pgsecret_a1', 'mysqlsecret_b2', 'curlsecret_c3', 'hdrsecret_d4', 'urlsecret_e5', 'optsecret_f6', 'envsecret_g7'];
const URL_SECRETS = ['urlpass_h8', 'amzsig_i9', 'amzcred_j10', 'sigval_k11', 'keyval_l12', 'tokval_m13'];
const PATH_TOKEN = '7Gq2Xk9LpR4mZ8vT1wY6bN3c';
const canary = join(dir, 'canary');

let internal: TestServer;
const server = createServer((req, res) => {
  const url = new URL(req.url!, 'http://x');
  const q = (name: string) => url.searchParams.get(name) ?? '';
  const fail = (error: unknown) => {
    if (!res.headersSent) res.writeHead(500).end(String(error));
  };
  if (url.pathname === '/login') {
    // Vulnerable on purpose: every secret-named input reaches the query, next to the app's own secret literal.
    const name = q('pwd') || q('passwd') || q('pass') || q('api_key') || q('access_token') || q('ssn') || q('name');
    try {
      res.end(JSON.stringify(db.prepare(`SELECT name FROM leak_users WHERE name = '${name}' AND api_key = '${APP_LITERAL}'`).all()));
    } catch (error) {
      fail(error);
    }
  } else if (url.pathname === '/backup') {
    // The first branch succeeds, so the credential-carrying ones never run, even for the benign twin.
    const cmd =
      `PGPASSWORD=pgsecret_a1 true || mysql -uroot -pmysqlsecret_b2 -h ${q('host')} || ` +
      `curl -u admin:curlsecret_c3 -H 'Authorization: Bearer hdrsecret_d4' http://u:urlsecret_e5@h/ --password optsecret_f6 || ` +
      `env API_TOKEN=envsecret_g7 true; echo ok-${q('host')}`;
    try {
      exec(cmd, (error, stdout) => (error ? fail(error) : res.end(stdout.trim())));
    } catch (error) {
      fail(error); // a refusal thrown at the call (rampart answered 403 already)
    }
  } else if (url.pathname.startsWith('/reset/') || url.pathname === '/fetch') {
    fetch(q('to')).then(
      async (r) => res.end(await r.text()),
      fail,
    );
  } else {
    res.writeHead(404).end();
  }
});
let base = '';
t.before(async () => {
  base = await listen(server);
  internal = await startServer('127.0.0.1');
});
t.teardown(async () => {
  await internal.close();
  await closeServer(server);
});

let expectedLines = 0;

/** Every planted secret is absent from the pino file and from every OTel log record. */
async function assertNoLeak(t: Test, secrets: readonly string[]): Promise<void> {
  t.ok(events.attacks().length > 0, 'an event was emitted');
  expectedLines += events.attacks().length;
  await logLinesWhen(logFile, (lines) => lines.filter((l) => l.event === 'rampart.attack').length >= expectedLines);
  const pino = readFileSync(logFile, 'utf8');
  const otel = JSON.stringify(events.exporter.getFinishedLogRecords().map((r) => ({ body: r.body, attributes: r.attributes })));
  for (const secret of secrets) {
    t.equal(pino.split(secret).length - 1, 0, `pino: 0 occurrences of ${secret}`);
    t.equal(otel.split(secret).length - 1, 0, `OTel: 0 occurrences of ${secret}`);
  }
}

t.test("inputs named like secrets, and the app's literal behind an unmatched quote", async (t) => {
  events.reset();
  const planted: string[] = [APP_LITERAL];
  for (const name of ['pwd', 'passwd', 'pass', 'api_key', 'access_token', 'ssn']) {
    const secret = `${name}_SECRET_77x`;
    planted.push(secret);
    const res = await request(`${base}/login?${name}=${encodeURIComponent(`${secret}' OR 1=1 --`)}`);
    t.equal(res.status, 403, `${name}: refused`);
    t.notMatch(res.text, 'alice', 'no row returned');
  }
  const quote = await request(`${base}/login?name=${encodeURIComponent("x' --")}`);
  t.equal(quote.status, 403, 'an unmatched quote: refused');
  t.equal((await request(`${base}/login?name=alice`)).text, '[{"name":"alice"}]', 'the benign twin gets its row');
  await assertNoLeak(t, planted);
  const values = events.attacks().map((e) => e.attributes['rampart.input.value']);
  t.same(values.filter((v) => v !== undefined), ["x' --"], 'only the non-secret input has its value reported');
  t.ok(events.attacks().every((e) => String(e.attributes['db.query.text']).startsWith('SELECT name FROM leak_users WHERE name = ?')), 'the query shape is reported');
});

t.test('command lines: passwords, env assignments, curl credentials and URL userinfo', async (t) => {
  events.reset();
  const res = await request(`${base}/backup?host=${encodeURIComponent(`db1; touch ${canary}`)}`);
  t.equal(res.status, 403);
  t.notOk(existsSync(canary), 'the injected command never ran');
  const benign = await request(`${base}/backup?host=db1`);
  t.equal(benign.text, 'ok-db1', 'the benign twin runs');
  await assertNoLeak(t, CMD_SECRETS);
  const line = String(events.attacks()[0]?.attributes['process.command_line']);
  t.match(line, 'PGPASSWORD=? true || mysql -uroot -p? -h', 'the shape stays: option names, programs, operators');
});

t.test('URLs: userinfo and presigned parameters, in url.full and in the input; tokens in url.path', async (t) => {
  events.reset();
  const target =
    `http://admin:urlpass_h8@127.0.0.1:${internal.port}/secret?X-Amz-Signature=amzsig_i9&X-Amz-Credential=amzcred_j10` +
    '&sig=sigval_k11&key=keyval_l12&token=tokval_m13';
  const res = await request(`${base}/reset/${PATH_TOKEN}?to=${encodeURIComponent(target)}`);
  t.equal(res.status, 403);
  t.same(internal.hits, [], 'the internal server was never hit');
  await assertNoLeak(t, [...URL_SECRETS, PATH_TOKEN]);
  const attrs = events.attacks()[0]!.attributes;
  t.equal(attrs['url.path'], '/reset/REDACTED');
  t.match(String(attrs['url.full']), /^http:\/\/127\.0\.0\.1:\d+\/secret\?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&sig=REDACTED&key=REDACTED&token=REDACTED$/);
  const allowed = await startServer('127.0.0.2');
  t.teardown(() => allowed.close());
  const benign = await request(`${base}/fetch?to=${encodeURIComponent(`${allowed.origin}/`)}`);
  t.equal(benign.text, 'hello from 127.0.0.2', 'the benign twin (an allowlisted host) is fetched');
});
