// MySQL/MariaDB session SQL modes that change where literals end: NO_BACKSLASH_ESCAPES
// (`\` is an ordinary character, so `'\'` is a whole string) and ANSI_QUOTES (`"…"` is an
// identifier). A query is lexed the way its connection's session reads it, or an input
// like `\' OR 1=1 -- ` would look like text inside a string to rampart and end the string
// on the server. The mode is learnt from the app's own `SET [SESSION] sql_mode = …`
// statements as they pass through the hook, per connection object (pooled connections keep
// their session). The server's default (my.cnf, SET GLOBAL) is not in any statement: its
// NO_BACKSLASH_ESCAPES is read from the status flags the server sends when the driver keeps
// them, and what stays unknown (ANSI_QUOTES always) is judged under both readings (docs/sql.md).
import type { SinkDetector } from '../../../guard';
import { sqlSinkDetector, type DbSystem } from '../../../checks/sql';
import { sqlValuesDetector, type FormattedCall } from '../../../checks/sql-values';
import type { SqlDialect } from '../../../detect/sql';
import type { Verdict } from '../../../guard';
import { checkFormattedSql, valuesOf } from './common';

/** A flag learnt from the app's SET: on, off, set to something rampart cannot read, or never set. */
type Learnt = boolean | 'unknown' | undefined;
interface SessionModes {
  noBackslash: Learnt;
  ansi: Learnt;
}

const modes = new WeakMap<object, SessionModes>();

const MENTIONS_MODE = /sql_mode/i;
// `SET [SESSION|LOCAL] sql_mode = v`, `SET @@[session.]sql_mode := v`, also as a later item of
// a SET list (`SET NAMES utf8mb4, sql_mode = v`); GLOBAL is not this session's.
const SET_MODE = /(?:\bSET\s+|,\s*)(?:(GLOBAL|PERSIST|PERSIST_ONLY)\s+|SESSION\s+|LOCAL\s+|@@(?:(GLOBAL|PERSIST)\.|SESSION\.|LOCAL\.)?)?sql_mode\s*:?=\s*([^;]*)/gi;
const KEEPS_OLD = /@@(?:session\.|local\.)?sql_mode/i;
const NO_BACKSLASH = /NO_BACKSLASH_ESCAPES/i;
const ANSI_QUOTES = /ANSI_QUOTES|(?:^|[^A-Z_])ANSI(?:[^A-Z_]|$)/i;
/** REPLACE(@@sql_mode, …) may take a mode away: what is left is not read here. */
const REMOVES = /\bREPLACE\s*\(/i;
/** `= DEFAULT`: the session goes back to the server's global default. */
const TO_DEFAULT = /^DEFAULT\b/i;
/** SERVER_STATUS_NO_BACKSLASH_ESCAPES, in the status flags of the handshake and OK packets. */
const STATUS_NO_BACKSLASH_ESCAPES = 0x200;

/** The dialect of a session whose modes are known. */
function dialectOf(noBackslash: boolean, ansi: boolean): SqlDialect {
  return noBackslash ? (ansi ? 'mysql-ansi-no-backslash' : 'mysql-no-backslash') : ansi ? 'mysql-ansi-quotes' : 'mysql';
}

/** The dialect a connection's session reads queries in, as far as its SET statements tell (default modes otherwise). */
export function sessionDialect(connection: unknown): SqlDialect {
  const m = typeof connection === 'object' && connection !== null ? modes.get(connection) : undefined;
  return m === undefined ? 'mysql' : dialectOf(m.noBackslash === true, m.ansi === true);
}

/** Learns the session mode from an app query that sets it (called for queries that were allowed). */
export function learnSessionMode(connection: unknown, sql: unknown): void {
  if (typeof sql !== 'string' || typeof connection !== 'object' || connection === null || !MENTIONS_MODE.test(sql)) return;
  const old = modes.get(connection);
  const now: SessionModes = { noBackslash: old?.noBackslash, ansi: old?.ansi };
  let changed = false;
  SET_MODE.lastIndex = 0;
  for (let m = SET_MODE.exec(sql); m !== null; m = SET_MODE.exec(sql)) {
    if (m[1] !== undefined || m[2] !== undefined) continue; // the global default: new sessions only
    changed = true;
    const value = m[3]!.trim();
    if (KEEPS_OLD.test(value) && !REMOVES.test(value)) {
      // CONCAT(@@sql_mode, ',ANSI_QUOTES') adds to the old mode.
      if (NO_BACKSLASH.test(value)) now.noBackslash = true;
      if (ANSI_QUOTES.test(value)) now.ansi = true;
    } else if (TO_DEFAULT.test(value)) {
      now.noBackslash = undefined; // back to the server's default: as if never set
      now.ansi = undefined;
    } else if (!KEEPS_OLD.test(value) && (value.startsWith("'") || value.startsWith('"'))) {
      now.noBackslash = NO_BACKSLASH.test(value);
      now.ansi = ANSI_QUOTES.test(value);
    } else {
      // A variable, a function, a subquery: the mode is whatever the server computes.
      now.noBackslash = 'unknown';
      now.ansi = 'unknown';
    }
  }
  if (changed) modes.set(connection, now);
}

/**
 * What the server itself reports of a connection's NO_BACKSLASH_ESCAPES (its status flags),
 * when the driver keeps them. `handshake`: the flags come from the connection's handshake and
 * so carry the server's global default (mysql, mysql2); otherwise they are the session's own,
 * kept live by the driver (mariadb).
 */
export interface ServerStatus {
  readonly of: (connection: unknown) => number | undefined;
  readonly handshake: boolean;
}

/**
 * The status a server (host and port) last reported in a handshake. A connection not yet
 * connected (mysql connects on its first query, pools open connections on demand) starts
 * from the same global default, so it is judged by what the server said to the previous one.
 */
const lastStatusOf = new Map<string, number>();
const MAX_SERVERS = 64;
/** Connections whose handshake status was already recorded for their server. */
const recorded = new WeakSet<object>();

function serverOf(connection: unknown): string | undefined {
  const config = (connection as { config?: { host?: unknown; port?: unknown; socketPath?: unknown } } | null)?.config;
  if (typeof config !== 'object' || config === null) return undefined;
  return `${String(config.socketPath ?? '')}|${String(config.host ?? '')}|${String(config.port ?? '')}`;
}

function statusOfSession(connection: unknown, server: ServerStatus | undefined): number | undefined {
  if (server === undefined || typeof connection !== 'object' || connection === null) return undefined;
  let status: number | undefined;
  try {
    status = server.of(connection);
  } catch {
    status = undefined;
  }
  if (typeof status === 'number') {
    if (server.handshake && !recorded.has(connection)) {
      recorded.add(connection); // once per connection: the hot path builds no key
      const key = serverOf(connection);
      if (key !== undefined) {
        if (lastStatusOf.size >= MAX_SERVERS) lastStatusOf.clear();
        lastStatusOf.set(key, status);
      }
    }
    return status;
  }
  if (!server.handshake || lastStatusOf.size === 0) return undefined;
  const key = serverOf(connection);
  return key === undefined ? undefined : lastStatusOf.get(key);
}

// The possible values of a flag, as bits: OFF and ON.
const OFF = 1;
const ON = 2;

/** The possible values of one flag: the learnt one, else the server's report, else both. */
function candidates(learnt: Learnt, reported: boolean | undefined): number {
  if (learnt === true || learnt === false) return learnt ? ON : OFF;
  if (learnt === undefined && reported !== undefined) return reported ? ON : OFF;
  return OFF | ON;
}

/** The readings for the possible NO_BACKSLASH_ESCAPES and ANSI_QUOTES values, likeliest first. */
function readingsOf(nb: number, ansi: number): SqlDialect[] {
  const out: SqlDialect[] = [];
  for (const b of [OFF, ON]) if (nb & b) for (const a of [OFF, ON]) if (ansi & a) out.push(dialectOf(b === ON, a === ON));
  return out;
}

/** 4 * NO_BACKSLASH_ESCAPES bits + ANSI_QUOTES bits: which of the 9 sets of readings applies. */
function readingsCode(connection: unknown, server?: ServerStatus): number {
  const m = typeof connection === 'object' && connection !== null ? modes.get(connection) : undefined;
  const status = statusOfSession(connection, server);
  const reported = typeof status === 'number' ? (status & STATUS_NO_BACKSLASH_ESCAPES) !== 0 : undefined;
  return 4 * candidates(m?.noBackslash, reported) + candidates(m?.ansi, undefined);
}

/**
 * How the server may read a connection's queries: the first dialect is the likeliest, the
 * others are judged too when the query holds a character they read differently. ANSI_QUOTES
 * is known only when the app set the mode (no packet reports it); NO_BACKSLASH_ESCAPES when
 * the app set it or the driver keeps the server's status flags.
 */
export function sessionReadings(connection: unknown, server?: ServerStatus): readonly SqlDialect[] {
  const code = readingsCode(connection, server);
  return readingsOf(code >> 2, code & 3);
}

interface DetectorPair {
  text: SinkDetector<string>;
  values: SinkDetector<FormattedCall>;
}

/** The text and value detectors of one driver, one pair per set of session readings, made once. */
export function sessionDetectors(system: 'mysql' | 'mariadb', server?: ServerStatus): (connection: unknown) => DetectorPair {
  const made: Array<DetectorPair | undefined> = [];
  return (connection) => {
    const code = readingsCode(connection, server);
    let pair = made[code];
    if (pair === undefined) {
      const [dialect, ...also] = readingsOf(code >> 2, code & 3);
      pair = { text: sqlSinkDetector(dialect!, system as DbSystem, also), values: sqlValuesDetector(system, dialect, also) };
      made[code] = pair;
    }
    return pair;
  };
}

type SessionCheck = (connection: unknown, sink: string, sql: unknown, values: unknown) => Verdict;

/**
 * The check of a (sql, values) call for one driver: the query as its connection's session
 * reads it, its values as the driver formats them; a mode the app sets is learnt from the
 * queries that were allowed. `textOf` takes the text from a query object or string.
 */
export function sessionChecker(system: 'mysql' | 'mariadb', textOf: (sql: unknown) => unknown, server?: ServerStatus): { check: SessionCheck; detectorsFor: ReturnType<typeof sessionDetectors> } {
  const detectorsFor = sessionDetectors(system, server);
  const check: SessionCheck = (connection, sink, sql, values) => {
    const text = textOf(sql);
    const { text: textDetector, values: valuesDetector } = detectorsFor(connection);
    const blocked = checkFormattedSql(textDetector, valuesDetector, sink, connection, text, valuesOf(sql, values), sql);
    if (blocked === undefined) learnSessionMode(connection, text);
    return blocked;
  };
  return { check, detectorsFor };
}
