// WebSocket messages on a `ws` server: each 'message' runs in a context whose inputs are
// the message (parsed JSON when it parses, else the text) plus the upgrade request's
// query, headers and cookies. An injection is blocked inside the handler (the sink
// throws RampartBlockedError (better-sqlite3 is synchronous: docs/refusals.md), which
// the handler catches like any database error).
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { RampartBlockedError, start, stop } from '../../src/index';
import { currentContext } from '../../src/context/store';
import { closeServer } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { SQLI, usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WebSocket, WebSocketServer } = require('ws') as typeof import('ws');

const db = usersDb();
const server = createServer();
const wss = new WebSocketServer({ server });
wss.on('connection', (socket, req) => {
  const room = new URL(req.url!, 'http://x').searchParams.get('room');
  // A sink in the connection callback itself runs in the upgrade request's context.
  let greeting: unknown;
  try {
    greeting = room === null ? 'no room' : db.findUser(room).length;
  } catch (error) {
    greeting = error instanceof RampartBlockedError ? 'blocked' : 'error';
  }
  socket.send(JSON.stringify({ greeting }));
  socket.on('message', (data) => {
    const text = data.toString();
    let reply: unknown;
    if (text === 'inputs') {
      socket.send(JSON.stringify(currentContext()?.inputs().map((i) => i.value)));
      return;
    }
    try {
      const name = text.startsWith('{') ? (JSON.parse(text) as { user: { name: string } }).user.name : text === 'room' ? room! : text;
      reply = db.findUser(name);
    } catch (error) {
      reply = error instanceof RampartBlockedError ? 'blocked' : 'error';
    }
    socket.send(JSON.stringify(reply));
  });
});

let url = '';
t.before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
t.teardown(() => {
  for (const client of wss.clients) client.terminate();
  wss.close();
  return closeServer(server);
});

/** Connects, returns the greeting, and a function sending one message and awaiting the reply. */
async function connect(path = '/'): Promise<{ greeting: unknown; ask(message: string | Buffer, binary?: boolean): Promise<unknown>; close(): void }> {
  const client = new WebSocket(`${url}${path}`);
  const [first] = (await once(client, 'message')) as [Buffer];
  return {
    greeting: (JSON.parse(first.toString()) as { greeting: unknown }).greeting,
    async ask(message, binary = false) {
      client.send(message, { binary });
      const [reply] = (await once(client, 'message')) as [Buffer];
      return JSON.parse(reply.toString()) as unknown;
    },
    close: () => client.close(),
  };
}

function lastEvent(): Record<string, unknown> | undefined {
  const attacks = events.attacks();
  const event = attacks[attacks.length - 1]?.attributes;
  events.reset();
  return event;
}

t.test('JSON message: blocked and named by path; benign works', async (t) => {
  const c = await connect();
  t.equal(await c.ask(JSON.stringify({ user: { name: SQLI } })), 'blocked');
  const event = lastEvent();
  t.equal(event?.['rampart.input.source'], 'websocket');
  t.equal(event?.['rampart.input.path'], 'user.name');
  t.equal(event?.['rampart.sink'], 'better-sqlite3.prepare');
  t.same(await c.ask(JSON.stringify({ user: { name: 'alice' } })), [{ id: 1, name: 'alice' }]);
  t.equal(events.attacks().length, 0);
  t.ok(db.intact());
  c.close();
});

t.test('text and binary messages', async (t) => {
  const c = await connect();
  t.equal(await c.ask(SQLI), 'blocked');
  t.equal(lastEvent()?.['rampart.input.path'], '', 'a text message is one input with an empty path');
  t.equal(await c.ask(Buffer.from(SQLI), true), 'blocked', 'binary frames are decoded too');
  t.equal(lastEvent()?.['rampart.input.source'], 'websocket');
  t.same(await c.ask('bob'), [{ id: 2, name: 'bob' }]);
  c.close();
});

t.test("the upgrade request's query string, in the connection callback and in messages", async (t) => {
  const c = await connect(`/?room=${encodeURIComponent(SQLI)}`);
  t.equal(c.greeting, 'blocked', 'connection callback');
  t.equal(lastEvent()?.['rampart.input.source'], 'query');
  t.equal(await c.ask('room'), 'blocked', 'message handler');
  const event = lastEvent();
  t.equal(event?.['rampart.input.source'], 'query');
  t.equal(event?.['rampart.input.path'], 'room');
  c.close();
  const benign = await connect('/?room=alice');
  t.equal(benign.greeting, 1);
  t.same(await benign.ask('room'), [{ id: 1, name: 'alice' }]);
  t.equal(events.attacks().length, 0);
  benign.close();
});

t.test('each message has its own context: no input of another socket or message', async (t) => {
  const a = await connect();
  const b = await connect();
  t.equal(await a.ask(SQLI), 'blocked');
  events.reset();
  const seen = (await b.ask('inputs')) as string[];
  t.ok(seen.includes('inputs'), "b's own message is an input");
  t.notOk(seen.includes(SQLI), "a's message is not");
  const again = (await a.ask('inputs')) as string[];
  t.notOk(again.includes(SQLI), "nor a's own earlier message");
  a.close();
  b.close();
});
