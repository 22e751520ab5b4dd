// PostgreSQL with standard_conforming_strings off, against the real server: a backslash then
// escapes inside ordinary '...' strings, so the correct PostgreSQL escaping (doubling quotes)
// no longer holds: `\' OR 1=1 -- ` doubled to `'\'' OR 1=1 -- '` ends the string after `\''`.
// rampart follows the setting per pg client from the server's own reports (however it was
// set: SET, set_config, the connection's `options`, ALTER DATABASE) and from the app's SET,
// and judges a query whose setting it does not know under both readings.
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require('pg') as typeof import('pg');

const T = `rampart_scs_${process.pid}`;
const DB = `rampart_scs_db_${process.pid}`;
const config = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'rampart_test' };
const admin = new pg.Client(config); // verification only, outside any request context
const clients = {
  'SET standard_conforming_strings = off': new pg.Client(config),
  "set_config('standard_conforming_strings', 'off')": new pg.Client(config),
  "options: '-c standard_conforming_strings=off'": new pg.Client({ ...config, options: '-c standard_conforming_strings=off' }),
};
const standard = new pg.Client(config);
let dbClient: InstanceType<typeof pg.Client>;
let dbPool: InstanceType<typeof pg.Pool>;

type Row = { name: string; secret: string };
/** The app's lookup with PostgreSQL's own escaping (quotes doubled), right only with standard strings. */
const lookup = (name: string, table = T): string => `SELECT name, secret FROM ${table} WHERE name = '${name.replace(/'/g, "''")}' ORDER BY name`;
const ATTACK = "\\' OR 1=1 -- ";
const asInput = (value: string) => ({ source: 'query' as const, name: 'name', value });

async function attempt(run: () => Promise<{ rows: Row[] }>): Promise<{ err: unknown; rows?: Row[] }> {
  try {
    return { err: undefined, rows: (await run()).rows };
  } catch (err) {
    return { err };
  }
}

t.before(async () => {
  await admin.connect();
  await admin.query(`DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (name text, secret text)`);
  await admin.query(`INSERT INTO ${T} VALUES ('admin', 'hunter2'), ('bob', 'b0b')`);
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.query(`ALTER DATABASE ${DB} SET standard_conforming_strings = off`);
  dbClient = new pg.Client({ ...config, database: DB });
  dbPool = new pg.Pool({ ...config, database: DB, max: 2 });
  await dbClient.connect();
  await dbClient.query(`CREATE TABLE ${T} (name text, secret text); INSERT INTO ${T} VALUES ('admin', 'hunter2'), ('bob', 'b0b')`);
  for (const c of [...Object.values(clients), standard]) await c.connect();
  // The app sets the mode on its connections at start-up, outside any request.
  await clients['SET standard_conforming_strings = off'].query('SET standard_conforming_strings = off');
  await clients["set_config('standard_conforming_strings', 'off')"].query("SELECT set_config('standard_conforming_strings', 'off', false)");
});
t.teardown(async () => {
  await Promise.all([...Object.values(clients), standard, dbClient].map((c) => c.end()));
  await dbPool.end();
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.end();
  stop();
});

t.test('the attack is real: with standard_conforming_strings off the doubled quote no longer holds', async (t) => {
  await admin.query('SET standard_conforming_strings = off');
  t.same((await admin.query(lookup(ATTACK))).rows.map((r: Row) => r.secret), ['hunter2', 'b0b'], 'every secret');
  await admin.query('SET standard_conforming_strings = on');
  t.same((await admin.query(lookup(ATTACK))).rows, [], 'with standard strings it is one string');
});

t.test('refused on sessions that turned standard_conforming_strings off, however they did', async (t) => {
  events.reset();
  const sessions: Array<[string, InstanceType<typeof pg.Client>]> = [...Object.entries(clients), ['ALTER DATABASE … SET', dbClient]];
  for (const [name, client] of sessions) {
    const r = await withInput(asInput(ATTACK), () => attempt(() => client.query(lookup(ATTACK))));
    t.type(r.err, RampartBlockedError, `${name}: refused`);
    t.equal(r.rows, undefined, `${name}: no secret returned`);
    const benign = await withInput(asInput("bob"), () => client.query(lookup('bob')));
    t.same(benign.rows, [{ name: 'bob', secret: 'b0b' }], `${name}: benign twin, and the client still serves`);
  }
  t.equal(events.attacks().length, sessions.length);
});

t.test('a pool on that database: refused, benign twin served', async (t) => {
  const r = await withInput(asInput(ATTACK), () => attempt(() => dbPool.query(lookup(ATTACK))));
  t.type(r.err, RampartBlockedError);
  t.equal(r.rows, undefined);
  const benign = await withInput(asInput('bob'), () => dbPool.query(lookup('bob')));
  t.same(benign.rows, [{ name: 'bob', secret: 'b0b' }]);
});

t.test('a SET queued right before the query counts before the server confirms it', async (t) => {
  const client = new pg.Client(config);
  await client.connect();
  const set = client.query('SET SESSION standard_conforming_strings TO off');
  const r = await withInput(asInput(ATTACK), () => attempt(() => client.query(lookup(ATTACK))));
  await set;
  t.type(r.err, RampartBlockedError, 'refused');
  await client.query('SET standard_conforming_strings = on');
  const after = await withInput(asInput(ATTACK), () => attempt(() => client.query(lookup(ATTACK))));
  t.error(after.err, 'back to standard strings, the escaping holds again');
  t.same(after.rows, [], 'and matches nothing');
  await client.end();
});

t.test('standard sessions: no refusal for the same input, nor for a trailing backslash', async (t) => {
  events.reset();
  const r = await withInput(asInput(ATTACK), () => attempt(() => standard.query(lookup(ATTACK))));
  t.error(r.err, 'runs');
  t.same(r.rows, [], 'and matches nothing');
  const slash = await withInput(asInput('C:\\dir\\'), () => attempt(() => standard.query(lookup('C:\\dir\\'))));
  t.error(slash.err, 'a backslash before the closing quote is text with standard strings');
  t.same(slash.rows, []);
  t.equal(events.attacks().length, 0);
  t.same((await admin.query(`SELECT count(*)::int AS n FROM ${T}`)).rows, [{ n: 2 }], 'the table is intact');
});

t.test('postgres.js: the setting cannot be read there, so both readings are judged', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const postgres = require('postgres') as typeof import('postgres');
  const sql = postgres({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'rampart_test', connection: { standard_conforming_strings: 'off' }, onnotice: () => {} });
  try {
    t.same((await sql.unsafe(lookup(ATTACK))).map((r) => r.secret), ['hunter2', 'b0b'], 'the attack is real on this connection');
    events.reset();
    const r = await withInput(asInput(ATTACK), () => attempt(async () => ({ rows: (await sql.unsafe(lookup(ATTACK))) as unknown as Row[] })));
    t.type(r.err, RampartBlockedError, 'refused');
    t.equal(r.rows, undefined, 'no secret returned');
    const benign = await withInput(asInput("O'Brien \\ bob"), () => sql.unsafe(lookup("O'Brien \\ bob")));
    t.same([...benign], [], 'a benign input with a quote and a backslash is served');
    const bob = await withInput(asInput('bob'), () => sql.unsafe(lookup('bob')));
    t.same([...bob], [{ name: 'bob', secret: 'b0b' }], 'benign twin');
    t.equal(events.attacks().length, 1);
  } finally {
    await sql.end();
  }
});
