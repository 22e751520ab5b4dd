// The `rampart:finding` diagnostics channel, with a real subscriber (node:diagnostics_channel)
// and a real app: a plain http server on a real SQLite file. Each finding reaches the
// subscriber once, with the same facts and the same redaction as the `rampart.attack`
// event (no secret-named input's value, literals masked in the query text), outside the
// request's context, and every finding does, flood control or not (a subscriber chooses).
import diagnostics from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FINDING_CHANNEL, start, stop, type FindingMessage } from '../../src/index';
import { currentContext } from '../../src/context/store';
import { closeServer, listen, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';

const events = captureOtelLogs();
start({ logLevel: 'silent', telemetry: { maxEventsPerSecond: 2 } });

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const dir = mkdtempSync(join(tmpdir(), 'rampart-channel-'));
const db = new Database(join(dir, 'app.db'));
db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, pass TEXT); INSERT INTO users (name, pass) VALUES ('alice', 'hunter2-PLANTED'), ('bob', 'x')");

const server = createServer((req, res) => {
  const url = new URL(req.url!, 'http://x');
  const value = url.searchParams.get('name') ?? url.searchParams.get('password') ?? '';
  try {
    // The app's own literal (a planted secret) is in the query text; only the value is input.
    const rows = db.prepare(`SELECT id, name FROM users WHERE pass <> 'hunter2-PLANTED' AND name = '${value}'`).all();
    res.end(JSON.stringify(rows));
  } catch (error) {
    if (!res.writableEnded) res.end(String(error));
  }
});

const received: Array<{ message: FindingMessage; inContext: boolean }> = [];
const subscriber = (message: unknown): void => {
  received.push({ message: message as FindingMessage, inContext: currentContext() !== undefined });
};

let base = '';
t.before(async () => {
  base = await listen(server);
  diagnostics.subscribe(FINDING_CHANNEL, subscriber);
});
t.teardown(async () => {
  diagnostics.unsubscribe(FINDING_CHANNEL, subscriber);
  await closeServer(server);
  stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const tableThere = () => (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'users'").get() as { n: number }).n === 1;

t.test('a blocked attack is published once, with the facts of the event', async (t) => {
  received.length = 0;
  events.reset();
  const attack = "x'; DROP TABLE users; --";
  const res = await request(`${base}/?name=${encodeURIComponent(attack)}`);
  t.equal(res.status, 403, 'the attack is answered 403');
  t.ok(tableThere(), 'the table is still there');
  t.equal(received.length, 1, 'one message');
  const { message, inContext } = received[0]!;
  t.match(message, { kind: 'sql_injection', action: 'blocked', sink: 'better-sqlite3.prepare', input: { source: 'query', path: 'name' } });
  t.equal(typeof message.rule, 'string');
  t.equal(message.requestId, (res.json() as { requestId: string }).requestId, "the block response's request id");
  t.equal(message.attributes['rampart.input.value'], attack, 'the input value, as the event carries it (telemetry.includeInputValue)');
  t.same(message.attributes, events.attacks()[0]?.attributes, 'the same attributes as the OpenTelemetry event');
  t.notMatch(JSON.stringify(message), /hunter2-PLANTED/, "the app's literals are masked in db.query.text");
  t.notOk(inContext, 'the subscriber runs outside the request context (its own calls are not judged by its inputs)');
  t.ok(Object.isFrozen(message) && Object.isFrozen(message.attributes), 'a subscriber cannot change what the next one sees');
  const benign = await request(`${base}/?name=bob`);
  t.same(benign.json(), [{ id: 2, name: 'bob' }], 'the benign twin is answered with its row');
  t.equal(received.length, 1, 'and publishes nothing');
});

t.test("a secret-named input's value is never published", async (t) => {
  received.length = 0;
  const secret = "s3cr3t-VALUE' OR '1'='1";
  const res = await request(`${base}/?password=${encodeURIComponent(secret)}`);
  t.equal(res.status, 403);
  t.equal(received.length, 1);
  const { message } = received[0]!;
  t.equal(message.input.path, 'password');
  t.equal(message.attributes['rampart.input.redacted'], true, 'marked redacted');
  t.notOk('rampart.input.value' in message.attributes, 'no value attribute');
  t.notMatch(JSON.stringify(message), /s3cr3t-VALUE/, 'the secret appears nowhere in the message');
});

t.test('every finding is published, also past the event flood limit', async (t) => {
  received.length = 0;
  events.reset();
  for (let i = 0; i < 5; i++) t.equal((await request(`${base}/?name=${encodeURIComponent(`x${i}' OR '1'='1`)}`)).status, 403);
  t.equal(received.length, 5, 'five messages for five findings');
  t.ok(events.attacks().length < 5, `the events were flood-limited (${events.attacks().length} of 5)`);
  t.ok(tableThere());
});

t.test('monitor mode: published as monitored', async (t) => {
  stop();
  start({ logLevel: 'silent', mode: 'monitor' });
  received.length = 0;
  const res = await request(`${base}/?name=${encodeURIComponent("x' OR '1'='1")}`);
  t.equal(res.status, 200, 'not refused');
  t.same(res.json(), [{ id: 1, name: 'alice' }, { id: 2, name: 'bob' }], 'the injected query ran (every row)');
  t.equal(received.length, 1);
  t.equal(received[0]?.message.action, 'monitored');
});

t.test('no subscriber: findings still reported, nothing published', async (t) => {
  diagnostics.unsubscribe(FINDING_CHANNEL, subscriber);
  t.notOk(diagnostics.channel(FINDING_CHANNEL).hasSubscribers, 'nobody listens');
  received.length = 0;
  events.reset();
  t.equal((await request(`${base}/?name=${encodeURIComponent("y' OR '1'='1")}`)).status, 200, 'monitor mode');
  t.equal(events.attacks().length, 1, 'the event is still emitted');
  t.equal(received.length, 0, 'nothing reached the unsubscribed function');
  t.equal(server.listening, true, 'the app is still up');
});
