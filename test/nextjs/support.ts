// Starts the built Next.js fixture app with `next start` on loopback, as a user runs it
// (`NODE_OPTIONS=--require rampart/register`, or the app's instrumentation.js), against
// its own data: a SQLite file with users and notes, a PostgreSQL table, a folder of files
// with a secret beside it, and an "internal" HTTP service that records every hit.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Test } from 'tap';
import { ROOT } from '../helpers/child';
import { closeServer, listen, request, type SimpleResponse } from '../helpers/http';
import { APP_DIR, NEXT_BIN, ensureBuilt } from './build';

export const SECRET = 'TOP-SECRET-4711';
export const INTERNAL_SECRET = 'INTERNAL-ONLY-9931';

export interface NextApp {
  readonly base: string;
  readonly dir: string;
  readonly canary: string;
  readonly pgTable: string;
  /** Paths the internal service was asked for. */
  readonly internalHits: string[];
  readonly internalBase: string;
  /** JSON lines the server printed (rampart's pino events among them). */
  readonly lines: Array<Record<string, unknown>>;
  stderr(): string;
  /** rampart finding events printed so far (pino lines with event rampart.attack). */
  attacks(): Array<Record<string, unknown>>;
  /** Waits until `count` finding events were printed (pino writes asynchronously). */
  waitForAttacks(count: number): Promise<Array<Record<string, unknown>>>;
  /** Names of the SQLite tables, and the notes stored. */
  tables(): string[];
  notes(): string[];
  /** Whether the server still answers (after a block it must). */
  alive(): Promise<boolean>;
  /** The id Next gave a Server Action of app/actions/actions.js. */
  actionId(name: string): string;
}

export interface StartOptions {
  /** How rampart is enabled: the preload (default), the app's instrumentation.js, or not at all. */
  readonly enable?: 'preload' | 'instrumentation' | 'none';
  readonly config?: Record<string, unknown>;
  /** Files to --require after rampart (an OpenTelemetry setup). */
  readonly require?: readonly string[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function seedSqlite(file: string): void {
  const db = new Database(file);
  db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO users (name) VALUES ('alice'), ('bob');");
  db.close();
}

async function seedPostgres(t: Test, table: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'rampart_test' });
  await client.connect();
  await client.query(`CREATE TABLE ${table} (name text, secret text)`);
  await client.query(`INSERT INTO ${table} VALUES ('alice', 'a-secret'), ('bob', 'b-secret')`);
  await client.end();
  t.teardown(async () => {
    const c = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'rampart_test' });
    await c.connect();
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.end();
  });
}

/** Whether the PostgreSQL table still exists, and its rows. */
export async function pgRows(table: string): Promise<string[] | undefined> {
  const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'rampart_test' });
  await client.connect();
  try {
    const exists = await client.query('SELECT to_regclass($1) AS t', [table]);
    if (exists.rows[0].t === null) return undefined;
    return (await client.query(`SELECT name FROM ${table} ORDER BY name`)).rows.map((r: { name: string }) => r.name);
  } finally {
    await client.end();
  }
}

export async function startNextApp(t: Test, options: StartOptions = {}): Promise<NextApp> {
  const built = ensureBuilt();
  if (built > 0) t.comment(`next build took ${(built / 1000).toFixed(1)} s`);
  const dir = mkdtempSync(join(tmpdir(), 'rampart-next-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'files'));
  writeFileSync(join(dir, 'files', 'welcome.txt'), 'hello from files');
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  seedSqlite(join(dir, 'app.db'));
  const pgTable = `next_users_${process.pid}`;
  await seedPostgres(t, pgTable);

  const internalHits: string[] = [];
  const internal: Server = createServer((req, res) => {
    internalHits.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://internal');
    res.setHeader('content-type', 'text/plain');
    res.end(url.pathname === '/items' ? `item:${url.searchParams.get('item')}` : INTERNAL_SECRET);
  });
  const internalBase = await listen(internal);
  t.teardown(() => closeServer(internal));

  const config = join(dir, 'rampart.json');
  writeFileSync(config, JSON.stringify({ mode: 'block', logLevel: 'info', ...options.config }));
  const enable = options.enable ?? 'preload';
  const preload = enable === 'preload' ? ['--require', join(ROOT, 'dist', 'register.js')] : [];
  for (const file of options.require ?? []) preload.push('--require', file);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: APP_DIR,
    env: {
      ...process.env,
      NODE_OPTIONS: preload.join(' '),
      NEXT_TELEMETRY_DISABLED: '1',
      RAMPART_CONFIG: config,
      FIXTURE_DIR: dir,
      FIXTURE_PG_TABLE: pgTable,
      FIXTURE_INTERNAL: internalBase,
      FIXTURE_RAMPART_REGISTER: enable === 'instrumentation' ? '1' : '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const lines: Array<Record<string, unknown>> = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line of Next's own output
    }
  });
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
      await once(child, 'exit');
    }
  });
  const base = `http://127.0.0.1:${port}`;
  const alive = async (): Promise<boolean> => {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      return (await fetch(`${base}/`)).status === 200;
    } catch {
      return false;
    }
  };
  // Ready when the home page answers (Next prints "Ready" slightly before it does).
  for (let i = 0; !(await alive()); i++) {
    if (child.exitCode !== null || i > 600) throw new Error(`next start did not come up:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const attacks = (): Array<Record<string, unknown>> => lines.filter((line) => line.event === 'rampart.attack');
  const manifest = JSON.parse(readFileSync(join(APP_DIR, '.next', 'server', 'server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { exportedName: string }>;
  };
  const sqlite = (): Database.Database => new Database(join(dir, 'app.db'), { readonly: true });
  return {
    base,
    dir,
    canary: join(dir, 'canary'),
    pgTable,
    internalHits,
    internalBase,
    lines,
    stderr: () => stderr,
    attacks,
    async waitForAttacks(count) {
      for (let i = 0; attacks().length < count && i < 200; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      return attacks();
    },
    tables() {
      const db = sqlite();
      try {
        return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
      } finally {
        db.close();
      }
    },
    notes() {
      const db = sqlite();
      try {
        return (db.prepare('SELECT body FROM notes ORDER BY id').all() as Array<{ body: string }>).map((r) => r.body);
      } finally {
        db.close();
      }
    },
    alive,
    actionId(name) {
      const id = Object.keys(manifest.node).find((key) => manifest.node[key]!.exportedName === name);
      if (id === undefined) throw new Error(`no Server Action named ${name} in the build`);
      return id;
    },
  };
}

/** A `Next-Action` call as React's client sends it: the arguments as one text body, or a multipart form. */
export function callAction(app: NextApp, name: string, body: string | FormData): Promise<SimpleResponse> {
  const headers: Record<string, string> = { 'next-action': app.actionId(name), accept: 'text/x-component' };
  if (typeof body === 'string') headers['content-type'] = 'text/plain;charset=UTF-8';
  return request(`${app.base}/actions`, { method: 'POST', headers, body });
}

/** The no-JavaScript form post of a Server Action: a multipart form naming the action in a field. */
export function postActionForm(app: NextApp, name: string, fields: Record<string, string>, accept = 'text/html'): Promise<SimpleResponse> {
  const form = new FormData();
  form.append(`$ACTION_ID_${app.actionId(name)}`, '');
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return request(`${app.base}/actions`, { method: 'POST', body: form, headers: { accept } });
}

/** The rows a Server Action returned: the second line of its RSC answer (`1:[...]`). */
export function actionRows(res: SimpleResponse): unknown {
  const line = res.text.split('\n').find((l) => l.startsWith('1:'));
  return line === undefined ? undefined : JSON.parse(line.slice(2));
}
