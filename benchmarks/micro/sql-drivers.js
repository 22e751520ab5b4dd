'use strict';
// Per-query overhead through each real SQL driver, as a ratio to the same driver with
// rampart's wrappers taken off, in one process: a cheap real query against the local
// PostgreSQL and MariaDB servers (or an in-memory SQLite table), sent one at a time.
// Every call runs inside one request context holding realistic user inputs (query
// parameters and a JSON body), so the guard does its full work; the request's one-time
// input collection is measured in micro/inputs.js. Two queries per call:
// - 'no input in query': none of the inputs occurs in the SQL (the common case);
// - 'input in a literal': the `q` parameter occurs inside a string literal, so the
//   detector finds it and tokenizes the query on every call.
// Unwrapped and wrapped calls alternate one by one, on the same connection where possible
// (a second connection is served by another server process, whose scheduling on a busy
// machine can differ by more than rampart's cost; only pg's pool uses two). The unwrapped
// call is the driver's own method, the original that rampart's wrapper holds, with nothing
// of rampart on its path; before
// measuring, an injected query proves it: refused through the wrapped call, sent through the
// unwrapped one. The figure is the median over rounds of (median wrapped / median unwrapped).
// Run directly (`node benchmarks/micro/sql-drivers.js [driver...]`) or through runSqlDrivers(options).
const path = require('node:path');
const { median } = require('../lib/stats');

const ROOT = path.join(__dirname, '..', '..');

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'rampart_test' };
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'rampart_test' };

/** What a request of a shop API carries: query parameters and a JSON body, none in the SQL. */
const CONTEXT_INPUTS = [
  { source: 'query', name: 'page', value: '2' },
  { source: 'query', name: 'sort', value: 'created_at' },
  { source: 'query', name: 'order', value: 'desc' },
  { source: 'query', name: 'q', value: 'winter boots' },
  {
    source: 'body',
    name: '',
    value: {
      customer: { id: 'cus_8812', name: "Sinéad O'Brien", email: 'sinead@example.com' },
      items: [
        { sku: 'SKU-1001', quantity: 2, note: 'gift wrap' },
        { sku: 'SKU-1002', quantity: 1, note: '' },
      ],
      coupon: 'WINTER-2024',
    },
  },
];
const IN_LITERAL = 'winter boots'; // the `q` parameter above

const QUERIES = {
  postgres: { none: 'SELECT $1::int AS n', literal: `SELECT $1::int AS n, '${IN_LITERAL}' AS q` },
  mysql: { none: 'SELECT ? AS n', literal: `SELECT ? AS n, '${IN_LITERAL}' AS q` },
  sqlite: { none: 'SELECT id, name FROM t WHERE id = ?', literal: `SELECT id, name FROM t WHERE id = ? AND name <> '${IN_LITERAL}'` },
};

/**
 * The original a wrapped method calls. rampart's wrappers carry no marker other tools could
 * read (docs/coexistence.md): its own wrap module knows them, the copy the agent loaded.
 */
function originalOf(fn) {
  const wrap = require(path.join(ROOT, 'dist', 'hooks', 'wrap'));
  if (!wrap.isWrapped(fn)) throw new Error(`${fn?.name} is not wrapped by rampart: the driver is not hooked`);
  return wrap.originalOf(fn);
}

/** The original of `method` as `object` inherits it. */
const originalMethod = (object, method) => originalOf(object[method]);

const callback = (start) => new Promise((resolve, reject) => start((error, result) => (error ? reject(error) : resolve(result))));

/**
 * Each driver connects once, after rampart started (as an app loads it), and returns the
 * calls to measure: `make(sql)` gives { unwrapped, wrapped } functions sending `sql`, or
 * undefined for a query that does not apply; `attackable: false` marks calls that take no
 * SQL text (tagged templates, prepared statements).
 */
const DRIVERS = {
  async pg() {
    const pg = require('pg');
    const client = new pg.Client(PG);
    await client.connect();
    const clientQuery = originalMethod(client, 'query');
    // pool.query passes three wrapped methods (the pool's query and connect, the client's
    // query): the unwrapped pool is a second pool, of subclasses that put the originals back.
    class PlainClient extends pg.Client {}
    PlainClient.prototype.query = clientQuery;
    class PlainPool extends pg.Pool {}
    PlainPool.prototype.query = originalMethod(pg.Pool.prototype, 'query');
    PlainPool.prototype.connect = originalMethod(pg.Pool.prototype, 'connect');
    const options = { ...PG, max: 1, idleTimeoutMillis: 0 };
    const [pool, plainPool] = [new pg.Pool(options), new PlainPool({ ...options, Client: PlainClient })];
    await Promise.all([pool.query('SELECT 1'), plainPool.query('SELECT 1')]);
    return {
      queries: QUERIES.postgres,
      calls: [
        ['client.query (promise)', (sql) => ({ unwrapped: () => clientQuery.call(client, sql, [1]), wrapped: () => client.query(sql, [1]) })],
        ['pool.query (promise)', (sql) => ({ unwrapped: () => plainPool.query(sql, [1]), wrapped: () => pool.query(sql, [1]) })],
      ],
      close: () => Promise.all([client.end(), pool.end(), plainPool.end()]),
    };
  },
  async postgres() {
    const postgres = require('postgres');
    const sql = postgres({ ...PG, max: 1, onnotice: () => undefined });
    const probe = sql.unsafe('SELECT 1');
    await probe;
    const handle = originalMethod(probe, 'handle');
    // A query runs through Query#handle when awaited: the unwrapped one gets the original as its own.
    const bare = (query) => {
      query.handle = handle;
      return query;
    };
    const none = QUERIES.postgres.none;
    return {
      queries: QUERIES.postgres,
      calls: [
        ['sql.unsafe(text, values)', (text) => ({ unwrapped: () => bare(sql.unsafe(text, [1])), wrapped: () => sql.unsafe(text, [1]) })],
        // Tagged templates send values as parameters; the hook only looks for unsafe fragments.
        [
          'tagged template',
          (text) =>
            text === none
              ? { unwrapped: () => bare(sql`SELECT ${1}::int AS n`), wrapped: () => sql`SELECT ${1}::int AS n` }
              : { unwrapped: () => bare(sql`SELECT ${1}::int AS n, ${IN_LITERAL}::text AS q`), wrapped: () => sql`SELECT ${1}::int AS n, ${IN_LITERAL}::text AS q` },
          { attackable: false },
        ],
      ],
      close: () => sql.end({ timeout: 1 }),
    };
  },
  async mysql2() {
    const mysql2 = require('mysql2');
    const conn = mysql2.createConnection(MARIADB);
    await callback((cb) => conn.query('SELECT 1', cb));
    const pair = (method, sql) => {
      const original = originalMethod(conn, method);
      return { unwrapped: () => callback((cb) => original.call(conn, sql, [1], cb)), wrapped: () => callback((cb) => conn[method](sql, [1], cb)) };
    };
    return {
      queries: QUERIES.mysql,
      calls: [
        ['query (callback; ? formatted client side)', (sql) => pair('query', sql)],
        ['execute (callback; prepared)', (sql) => pair('execute', sql)],
      ],
      close: () => callback((cb) => conn.end(cb)),
    };
  },
  async mysql() {
    const mysql = require('mysql');
    const conn = mysql.createConnection(MARIADB);
    await callback((cb) => conn.query('SELECT 1', cb));
    const query = originalMethod(conn, 'query');
    return {
      queries: QUERIES.mysql,
      calls: [['query (callback)', (sql) => ({ unwrapped: () => callback((cb) => query.call(conn, sql, [1], cb)), wrapped: () => callback((cb) => conn.query(sql, [1], cb)) })]],
      close: () => callback((cb) => conn.end(cb)),
    };
  },
  async mariadb() {
    const mariadb = require('mariadb');
    const conn = await mariadb.createConnection(MARIADB);
    const pair = (method, sql) => {
      const original = originalMethod(conn, method);
      return { unwrapped: () => original.call(conn, sql, [1]), wrapped: () => conn[method](sql, [1]) };
    };
    return {
      queries: QUERIES.mysql,
      calls: [
        ['query (promise)', (sql) => pair('query', sql)],
        ['execute (promise; prepared)', (sql) => pair('execute', sql)],
      ],
      close: () => conn.end(),
    };
  },
  async 'better-sqlite3'() {
    const Database = require('better-sqlite3');
    const db = new Database(':memory:');
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('alice'), ('bob')");
    const prepare = originalMethod(db, 'prepare');
    const statement = db.prepare(QUERIES.sqlite.none);
    return {
      queries: QUERIES.sqlite,
      calls: [
        // The SQL is checked at prepare; running a prepared statement passes no hook.
        ['prepared statement get', (sql) => (sql === QUERIES.sqlite.none ? { unwrapped: () => statement.get(1), wrapped: () => statement.get(1) } : undefined), { attackable: false }],
        ['prepare + get', (sql) => ({ unwrapped: async () => prepare.call(db, sql).get(1), wrapped: async () => db.prepare(sql).get(1) })],
      ],
      close: async () => db.close(),
    };
  },
  async sqlite3() {
    const sqlite3 = require('sqlite3');
    const db = new sqlite3.Database(':memory:');
    await callback((cb) => db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('alice'), ('bob')", cb));
    const get = originalMethod(db, 'get');
    return {
      queries: QUERIES.sqlite,
      calls: [['Database#get (callback)', (sql) => ({ unwrapped: () => callback((cb) => get.call(db, sql, [1], cb)), wrapped: () => callback((cb) => db.get(sql, [1], cb)) })]],
      close: () => callback((cb) => db.close(cb)),
    };
  },
};

/** Median ns per call of unwrapped and wrapped calls, alternating one by one. */
async function interleaved({ unwrapped, wrapped }, calls, warmup) {
  for (let i = 0; i < warmup; i++) {
    await unwrapped();
    await wrapped();
  }
  const u = new Float64Array(calls);
  const w = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    // Alternate which goes first, so neither always follows the other.
    const [first, second, a, b] = i % 2 === 0 ? [unwrapped, wrapped, u, w] : [wrapped, unwrapped, w, u];
    let start = process.hrtime.bigint();
    await first();
    a[i] = Number(process.hrtime.bigint() - start);
    start = process.hrtime.bigint();
    await second();
    b[i] = Number(process.hrtime.bigint() - start);
  }
  return { u: median(Array.from(u)), w: median(Array.from(w)) };
}

async function pairedDriverRatio(pair, { rounds, calls, warmup }) {
  const ratios = [];
  const orig = [];
  const wrap = [];
  for (let r = 0; r < rounds; r++) {
    const { u, w } = await interleaved(pair, calls, r === 0 ? warmup * 5 : warmup);
    ratios.push(w / u);
    orig.push(u);
    wrap.push(w);
  }
  return { originalNs: median(orig), wrappedNs: median(wrap), ratio: median(ratios) };
}

// Harmless where it runs (the unwrapped call): it only selects a constant.
const ATTACK = "x' UNION SELECT 'injected' -- ";

/** What a call did with an injected query: refused by rampart, or sent (whatever the server said). */
async function outcome(rampart, fn) {
  try {
    await fn();
    return 'sent';
  } catch (error) {
    return error instanceof rampart.RampartBlockedError ? 'refused' : 'sent';
  }
}

async function measureDriver(rampart, name, options) {
  const driver = await DRIVERS[name]();
  const rows = [];
  try {
    for (const [call, make, { attackable = true } = {}] of driver.calls) {
      if (attackable) {
        const attack = make(`SELECT '${ATTACK}'`);
        const seen = await rampart.withInput({ source: 'query', name: 'q', value: ATTACK }, async () => [await outcome(rampart, attack.unwrapped), await outcome(rampart, attack.wrapped)]);
        if (seen[0] !== 'sent' || seen[1] !== 'refused') throw new Error(`${name} ${call}: injected query ${seen[0]} unwrapped and ${seen[1]} wrapped; the comparison would not be rampart's cost`);
      }
      for (const [query, sql] of [
        ['no input in query', driver.queries.none],
        ['input in a literal', driver.queries.literal],
      ]) {
        const pair = make(sql);
        if (pair === undefined) continue;
        const r = await rampart.withInput(CONTEXT_INPUTS, () => pairedDriverRatio(pair, options));
        rows.push({ driver: name, call, query, ...r });
      }
    }
  } finally {
    await driver.close();
  }
  return rows;
}

/**
 * Returns [{ driver, call, query, originalNs, wrappedNs, ratio }] and, for drivers whose
 * server or module is unavailable, [{ driver, skipped }]. Starts and stops rampart itself.
 */
async function runSqlDrivers({ rounds = 9, calls = 300, warmup = 50, only } = {}) {
  const names = Object.keys(DRIVERS).filter((name) => !only || only.includes(name));
  const rampart = require(ROOT);
  rampart.start({ logLevel: 'silent' });
  const rows = [];
  try {
    for (const name of names) {
      try {
        rows.push(...(await measureDriver(rampart, name, { rounds, calls, warmup })));
      } catch (error) {
        rows.push({ driver: name, skipped: error.message });
      }
    }
  } finally {
    rampart.stop();
  }
  return rows;
}

module.exports = { runSqlDrivers };

if (require.main === module) {
  const { markdownTable, round } = require('../lib/stats');
  const only = process.argv.slice(2);
  runSqlDrivers({ only: only.length > 0 ? only : undefined }).then(
    (rows) => {
      const measured = rows.filter((r) => r.skipped === undefined);
      console.log(markdownTable(measured.map((r) => ({ driver: r.driver, call: r.call, query: r.query, 'unwrapped µs': round(r.originalNs / 1000, 1), 'wrapped µs': round(r.wrappedNs / 1000, 1), ratio: round(r.ratio) }))));
      for (const r of rows.filter((x) => x.skipped !== undefined)) console.log(`${r.driver} skipped: ${r.skipped}`);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
