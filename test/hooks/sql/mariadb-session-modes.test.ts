// Session SQL modes through the mariadb connector, against the real MariaDB server. With
// NO_BACKSLASH_ESCAPES a backslash is an ordinary character, so an app escaping quotes with
// backslashes (`\'`, right in the default mode) lets `x' OR 1=1 -- ` end the string. rampart
// learns the mode from the app's SET (as for mysql and mysql2) and from the session status
// the connector keeps (`conn.info.status`, sent by the server in every OK packet), so a mode
// set by the connector's own `sessionVariables` option is followed too. A pool runs each query
// on any connection: its queries are judged under both readings.
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { captureOtelLogs } from '../../helpers/otel';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });

// eslint-disable-next-line @typescript-eslint/no-require-imports
const mariadb = require('mariadb') as typeof import('mariadb');
type Conn = import('mariadb').Connection;
type Row = { name: string; secret: string };

const T = `rampart_mariadb_modes_${process.pid}`;
const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test' };
const conns: Record<string, Conn> = {};
let admin: Conn;
let standard: Conn;
const pool = mariadb.createPool({ ...config, connectionLimit: 2, sessionVariables: { sql_mode: 'NO_BACKSLASH_ESCAPES' } });
const appPool = mariadb.createPool({ ...config, connectionLimit: 1 });

/** The app's lookup, escaping the way the default mode needs (a backslash before quotes and backslashes). */
const lookup = (name: string): string => `SELECT name, secret FROM ${T} WHERE name = '${name.replace(/[\\']/g, '\\$&')}' ORDER BY name`;
const ATTACK = "x' OR 1=1 -- ";
const asInput = (value: string) => ({ source: 'query' as const, name: 'name', value });

async function attempt(run: () => Promise<Row[]>): Promise<{ err: unknown; rows?: Row[] }> {
  try {
    return { err: undefined, rows: await run() };
  } catch (err) {
    return { err };
  }
}

t.before(async () => {
  admin = await mariadb.createConnection(config);
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await admin.query(`CREATE TABLE ${T} (name VARCHAR(50), secret VARCHAR(50))`);
  await admin.query(`INSERT INTO ${T} VALUES ('admin', 'hunter2'), ('bob', 'b0b'), ('O''Brien', 'ob')`);
  // The app sets the mode at start-up, outside any request, in three ways.
  conns['SET SESSION sql_mode'] = await mariadb.createConnection(config);
  await conns['SET SESSION sql_mode'].query("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'");
  conns['SET sql_mode = @variable'] = await mariadb.createConnection(config);
  await conns['SET sql_mode = @variable'].query("SET @wanted = CONCAT('NO_BACKSLASH', '_ESCAPES')");
  await conns['SET sql_mode = @variable'].query('SET sql_mode = @wanted');
  conns['sessionVariables option'] = await mariadb.createConnection({ ...config, sessionVariables: { sql_mode: 'NO_BACKSLASH_ESCAPES' } });
  conns['pool.getConnection + SET'] = await appPool.getConnection();
  await conns['pool.getConnection + SET'].query("SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
  standard = await mariadb.createConnection(config);
});
t.teardown(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await Promise.all([admin, standard, ...Object.values(conns)].map((c) => c.end()));
  await Promise.all([pool.end(), appPool.end()]);
  stop();
});

t.test('the attack is real: with NO_BACKSLASH_ESCAPES the backslash-escaped quote ends the string', async (t) => {
  const session = conns['sessionVariables option'];
  t.same(((await session.query(lookup(ATTACK))) as Row[]).map((r) => r.secret), ['hunter2', 'b0b', 'ob'], 'every secret');
  t.same(await standard.query(lookup(ATTACK)), [], 'in the default mode it is one string');
});

t.test('refused on sessions with NO_BACKSLASH_ESCAPES, however it was set', async (t) => {
  events.reset();
  for (const [name, conn] of Object.entries(conns)) {
    const r = await withInput(asInput(ATTACK), () => attempt(() => conn.query(lookup(ATTACK))));
    t.type(r.err, RampartBlockedError, `${name}: refused`);
    t.equal(r.rows, undefined, `${name}: no secret returned`);
    const benign = await withInput(asInput('bob'), () => conn.query(lookup('bob')));
    t.same(benign, [{ name: 'bob', secret: 'b0b' }], `${name}: benign twin, and the connection still serves`);
  }
  t.equal(events.attacks().length, Object.keys(conns).length);
});

t.test('pool queries: judged under both readings', async (t) => {
  const r = await withInput(asInput(ATTACK), () => attempt(() => pool.query(lookup(ATTACK))));
  t.type(r.err, RampartBlockedError, 'refused');
  t.equal(r.rows, undefined);
  t.same(await withInput(asInput('bob'), () => pool.query(lookup('bob'))), [{ name: 'bob', secret: 'b0b' }], 'benign twin');
});

t.test('default-mode sessions: the escaped input stays a string, an apostrophe is served', async (t) => {
  events.reset();
  const r = await withInput(asInput(ATTACK), () => attempt(() => standard.query(lookup(ATTACK))));
  t.error(r.err, 'runs');
  t.same(r.rows, [], 'and matches nothing');
  const named = await withInput(asInput("O'Brien"), () => standard.query(lookup("O'Brien")));
  t.same(named, [{ name: "O'Brien", secret: 'ob' }], 'the escaped apostrophe is not refused where the server reports the default mode');
  t.equal(events.attacks().length, 0);
  const [{ n }] = await admin.query(`SELECT COUNT(*) AS n FROM ${T}`);
  t.equal(Number(n), 3, 'the table is intact');
});
