// withInput() and markUntrusted(): input from outside HTTP (a queue consumer, a job) and
// values the app knows are untrusted, checked at real SQLite sinks.
import { createServer } from 'node:http';
import t from 'tap';
import { RampartBlockedError, markUntrusted, start, stop, withInput } from '../../src/index';
import { currentContext } from '../../src/context/store';
import { closeServer, listen, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { SQLI, usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

const db = usersDb();

function lastEvent(): Record<string, unknown> | undefined {
  const attacks = events.attacks();
  const event = attacks[attacks.length - 1]?.attributes;
  events.reset();
  return event;
}

t.test('a queue message: blocked with its source and path, benign message works, no context after', async (t) => {
  const message = { id: 7, payload: { customer: SQLI } };
  t.throws(() => withInput({ source: 'body', name: 'message', value: message }, () => db.findUser(message.payload.customer)), RampartBlockedError);
  const event = lastEvent();
  t.equal(event?.['rampart.input.source'], 'body');
  t.equal(event?.['rampart.input.path'], 'message.payload.customer');
  t.same(withInput({ name: 'message', value: { payload: { customer: 'alice' } } }, () => db.findUser('alice')), [{ id: 1, name: 'alice' }]);
  t.equal(events.attacks().length, 0);
  t.equal(currentContext(), undefined, 'the context ended with fn');
  t.ok(db.intact());
});

t.test('async work keeps the context through awaits and timers, and returns the promise', async (t) => {
  const run = withInput({ name: 'job', value: SQLI }, async () => {
    await new Promise((r) => setTimeout(r, 5));
    await Promise.resolve();
    return db.findUser(SQLI);
  });
  t.type(run, Promise);
  await t.rejects(run, RampartBlockedError);
  t.equal(lastEvent()?.['rampart.input.path'], 'job');
});

t.test('several inputs; a source outside the vocabulary is reported as custom', async (t) => {
  const inputs = [
    { source: 'headers' as const, name: 'x-tenant', value: 'acme' },
    { source: 'nonsense' as never, name: 'field', value: SQLI },
  ];
  t.throws(() => withInput(inputs, () => db.findUser(SQLI)), RampartBlockedError);
  const event = lastEvent();
  t.equal(event?.['rampart.input.source'], 'custom');
  t.equal(event?.['rampart.input.path'], 'field');
});

t.test('values are stored, not walked, until a sink is reached', async (t) => {
  let reads = 0;
  const value = {
    get name() {
      reads++;
      return 'alice';
    },
  };
  withInput({ name: 'lazy', value }, () => {
    t.equal(reads, 0, 'nothing read yet');
    db.findUser('alice');
    t.equal(reads, 1, 'read at the first sink check');
    db.findUser('alice');
    t.equal(reads, 1, 'not read again at later checks');
  });
});

t.test('markUntrusted returns the value itself and protects the sinks that use it', async (t) => {
  const server = createServer((req, res) => {
    // A value fetched from somewhere the app does not trust (a partner API, a cache).
    const fromPartner = new URL(req.url!, 'http://x').searchParams.get('simulate') === 'attack' ? SQLI : 'alice';
    const same = markUntrusted(fromPartner, 'partner.customer', 'body');
    try {
      res.end(JSON.stringify({ identical: same === fromPartner, rows: db.findUser(same) }));
    } catch (error) {
      res.statusCode = 500;
      res.end(error instanceof RampartBlockedError ? 'blocked' : 'error');
    }
  });
  const base = await listen(server);
  t.teardown(() => closeServer(server));
  const attack = await request(`${base}/?simulate=attack`);
  t.equal(attack.status, 403, "rampart's block response");
  const event = lastEvent();
  t.equal(event?.['rampart.input.source'], 'body');
  t.equal(event?.['rampart.input.path'], 'partner.customer');
  const benign = await request(`${base}/?simulate=no`);
  t.same(benign.json(), { identical: true, rows: [{ id: 1, name: 'alice' }] });
  t.equal(events.attacks().length, 0);
});

t.test('markUntrusted outside any context: value returned, nothing recorded, nothing thrown', async (t) => {
  const obj = { a: SQLI };
  t.equal(markUntrusted(obj), obj);
  t.same(db.findUser(SQLI).length, 2, 'no context: the sink runs unchecked (as without rampart)');
  t.equal(events.attacks().length, 0);
});

t.test('withInput inside a request joins that request for the rest of it', async (t) => {
  const server = createServer((_req, res) => {
    const outer = currentContext();
    withInput({ name: 'header-derived', value: 'x' }, () => t.equal(currentContext(), outer, 'same context, not a new one'));
    res.end(JSON.stringify(currentContext()!.inputs().filter((i) => i.path === 'header-derived').length));
  });
  const base = await listen(server);
  t.teardown(() => closeServer(server));
  t.equal((await request(base)).text, '1');
});
