// Shared pieces of the framework input tests: a real SQLite database behind a classic
// injectable query, and assertions on the block response and the finding event.
// better-sqlite3 is required lazily, after the test file has started rampart.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import type { SimpleResponse } from '../helpers/http';

export interface UsersDb {
  /** The database file, for test apps that run in a child process. */
  readonly file: string;
  /** The vulnerable query every test app runs: the value is pasted into the SQL text. */
  findUser(name: string): Array<{ id: number; name: string }>;
  /** Proves the attack did nothing: the table still exists with its two rows. */
  intact(): boolean;
}

export function usersDb(): UsersDb {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  const file = join(mkdtempSync(join(tmpdir(), 'rampart-fw-')), 'users.db');
  const db = new Database(file);
  db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('alice'), ('bob')");
  return {
    file,
    findUser: (name) => db.prepare(`SELECT id, name FROM users WHERE name = '${name}'`).all() as Array<{ id: number; name: string }>,
    intact: () => {
      const t = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'users'").get() as { n: number };
      return t.n === 1 && (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n === 2;
    },
  };
}

/**
 * Finding events as the assertions read them: the in-process OTel capture
 * (captureOtelLogs), or the events a child app's own capture reports (child-app.ts).
 */
export interface FindingEvents {
  attacks(): ReadonlyArray<{ readonly attributes: Readonly<Record<string, unknown>> }>;
  reset(): void;
}

/** An injection that returns every row when it runs. */
export const SQLI = "x' OR '1'='1";
/** An injection that would drop the table when it runs (exec-style sinks). */
export const SQLI_STACKED = "x'; DROP TABLE users; --";

/**
 * The response is rampart's 403, no row leaked, and exactly one finding names the
 * expected source and path (and sink, when given). Resets the captured events.
 */
export function assertBlocked(t: Test, res: SimpleResponse, events: FindingEvents, source: string, path: string, sink?: string): void {
  t.equal(res.status, 403, `blocked (${source}.${path})`);
  t.notMatch(res.text, /alice|bob/, 'no row leaked');
  const attacks = events.attacks();
  t.equal(attacks.length, 1, 'one finding');
  const event = attacks[0];
  t.equal(event?.attributes['rampart.input.source'], source, 'event names the source');
  t.equal(event?.attributes['rampart.input.path'], path, 'event names the path');
  if (sink !== undefined) t.equal(event?.attributes['rampart.sink'], sink);
  const body = safeJson(res.text) as { requestId?: unknown } | undefined;
  if (body?.requestId !== undefined) t.equal(event?.attributes['rampart.request.id'], body.requestId, 'request id of the event');
  events.reset();
}

/** The benign call works as without rampart and reports nothing. */
export function assertBenign(t: Test, res: SimpleResponse, events: FindingEvents, expected: unknown): void {
  t.equal(res.status, 200, 'benign request served');
  t.same(safeJson(res.text), expected, 'same result as without rampart');
  t.equal(events.attacks().length, 0, 'no finding');
  events.reset();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A compact JWS with the given claims and a fake signature (nothing verifies it). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}.c2lnbmF0dXJl`;
}
