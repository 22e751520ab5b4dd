// Makes the database servers the test suite needs ready: PostgreSQL and MariaDB on loopback,
// each with the test database. Run once before the tap suite by `npm test` (pretest), so a
// fresh clone needs nothing but the README's commands; .ci/run goes through the same path.
//
//   node scripts/test-databases.js [--database=rampart_test] [--postgres=127.0.0.1:5432]
//                                  [--mariadb=127.0.0.1:3306] [--no-start]
//
// It connects with the servers' local admin accounts (postgres with trust auth, root with an
// empty password), starts a server that refuses connections when it can (root, Debian's
// pg_ctlcluster / mariadbd), and creates the database when it is missing. When a server stays
// unreachable it prints one message naming what is missing and how to start it, and exits 1,
// instead of letting a hundred test files fail with connection stack traces.
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync } = require('node:fs');

const DEFAULTS = { database: 'rampart_test', postgres: '127.0.0.1:5432', mariadb: '127.0.0.1:3306', start: true };
const WAIT_MS = 30_000;

function parseArgs(argv) {
  const options = { ...DEFAULTS };
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=', 2);
    if (key === 'no-start') options.start = false;
    else if (key in DEFAULTS && typeof DEFAULTS[key] === 'string' && value) options[key] = value;
    else throw new Error(`unknown argument ${arg}`);
  }
  // Database names go into CREATE DATABASE as identifiers: keep them plain.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.database)) throw new Error(`invalid database name ${options.database}`);
  return options;
}

function hostPort(address) {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where a connection failure means "nobody listens", starting the server may help. */
const isDown = (err) => ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EAI_AGAIN'].includes(err && err.code);

const SERVERS = {
  postgres: {
    label: 'PostgreSQL',
    account: 'user postgres, trust authentication',
    howToStart: 'sudo pg_ctlcluster <version> main start (Debian/Ubuntu), or: sudo systemctl start postgresql',
    async connect({ host, port }, database) {
      const { Client } = require('pg');
      const client = new Client({ host, port, user: 'postgres', database, connectionTimeoutMillis: 5000 });
      client.on('error', () => {}); // a server going away later ends the script anyway
      await client.connect();
      return { query: (sql, params) => client.query(sql, params).then((r) => r.rows), end: () => client.end() };
    },
    async ensureDatabase(admin, name) {
      const rows = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rows.length === 0) await admin.query(`CREATE DATABASE ${name}`);
    },
    start() {
      const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
      if (versions.length === 0) throw new Error('no cluster under /etc/postgresql');
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start'], { stdio: 'pipe' });
    },
  },
  mariadb: {
    label: 'MariaDB',
    account: 'user root, empty password',
    howToStart: 'sudo start-stop-daemon --start --background --exec /usr/sbin/mariadbd -- --user=mysql, or: sudo systemctl start mariadb',
    async connect({ host, port }, database) {
      const mysql = require('mysql2/promise');
      const conn = await mysql.createConnection({ host, port, user: 'root', password: '', database, connectTimeout: 5000 });
      conn.on('error', () => {});
      return { query: (sql, params) => conn.query(sql, params).then(([rows]) => rows), end: () => conn.end() };
    },
    async ensureDatabase(admin, name) {
      await admin.query(`CREATE DATABASE IF NOT EXISTS ${name}`);
    },
    start() {
      if (!existsSync('/usr/sbin/mariadbd')) throw new Error('no /usr/sbin/mariadbd');
      mkdirSync('/run/mysqld', { recursive: true });
      execFileSync('chown', ['mysql:mysql', '/run/mysqld'], { stdio: 'pipe' });
      execFileSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd', '--', '--user=mysql'], { stdio: 'pipe' });
    },
  },
};

async function connectAdmin(server, address) {
  return server.connect(address, server === SERVERS.postgres ? 'postgres' : undefined);
}

/** Connects as admin, starting the server first when it is down and we may; returns the problem otherwise. */
async function ready(server, address, mayStart) {
  let first;
  try {
    return { admin: await connectAdmin(server, address) };
  } catch (err) {
    first = err;
  }
  if (!isDown(first)) return { problem: `connection failed: ${first.message}` };
  if (!mayStart) return { problem: `not reachable (${first.code})` };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { problem: `not reachable (${first.code}); not root, so not started` };
  try {
    console.log(`${server.label} is down on ${address.host}:${address.port}: starting it`);
    server.start();
  } catch (err) {
    const said = [err.stderr, err.stdout, err.message].map((x) => String(x || '').trim()).find(Boolean);
    return { problem: `not reachable (${first.code}); starting it failed: ${said.split('\n')[0]}` };
  }
  const until = Date.now() + WAIT_MS;
  let last = first;
  while (Date.now() < until) {
    await sleep(500);
    try {
      return { admin: await connectAdmin(server, address) };
    } catch (err) {
      last = err;
    }
  }
  return { problem: `started, but still not reachable after ${WAIT_MS / 1000} s (${last.code || last.message})` };
}

async function prepare(key, options) {
  const server = SERVERS[key];
  const address = hostPort(options[key]);
  // Only the local servers at their standard addresses are ones this script knows how to start.
  const { admin, problem } = await ready(server, address, options.start && options[key] === DEFAULTS[key]);
  if (problem) return `${server.label} on ${address.host}:${address.port} (${server.account}): ${problem}.\n    Start it with: ${server.howToStart}`;
  try {
    await server.ensureDatabase(admin, options.database);
  } catch (err) {
    return `${server.label} on ${address.host}:${address.port}: cannot create database ${options.database}: ${err.message}`;
  } finally {
    await admin.end().catch(() => {});
  }
  return undefined;
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`test-databases: ${err.message}`);
    return 2;
  }
  const problems = (await Promise.all([prepare('postgres', options), prepare('mariadb', options)])).filter(Boolean);
  if (problems.length > 0) {
    console.error(
      `\nThe test suite needs PostgreSQL and MariaDB on loopback, and could not get them ready:\n  - ${problems.join('\n  - ')}\n` +
        'Start the servers, then run npm test again (this check runs first, as the pretest step).\n',
    );
    return 1;
  }
  console.log(`PostgreSQL and MariaDB ready; database ${options.database} exists in both.`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    // A bug of this script, not a missing server: still one line, with the cause.
    console.error(`test-databases: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 1;
  },
);
