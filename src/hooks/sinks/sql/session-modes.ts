// MySQL/MariaDB session SQL modes that change where literals end: NO_BACKSLASH_ESCAPES
// (`\` is an ordinary character, so `'\'` is a whole string) and ANSI_QUOTES (`"…"` is an
// identifier). A query is lexed the way its connection's session reads it, or an input
// like `\' OR 1=1 -- ` would look like text inside a string to rampart and end the string
// on the server. The mode is learnt from the app's own `SET [SESSION] sql_mode = …`
// statements as they pass through the hook, per connection object (pooled connections keep
// their session). A mode set as the server's global default is not seen (docs/sql.md).
import type { SinkDetector } from '../../../guard';
import { sqlSinkDetector, type DbSystem } from '../../../checks/sql';
import { sqlValuesDetector, type FormattedCall } from '../../../checks/sql-values';
import type { SqlDialect } from '../../../detect/sql';
import type { Verdict } from '../../../guard';
import { checkFormattedSql, valuesOf } from './common';

const modes = new WeakMap<object, SqlDialect>();

const MENTIONS_MODE = /sql_mode/i;
// `SET [SESSION|LOCAL] sql_mode = v`, `SET @@[session.]sql_mode := v`, also as a later item of
// a SET list (`SET NAMES utf8mb4, sql_mode = v`); GLOBAL is not this session's.
const SET_MODE = /(?:\bSET\s+|,\s*)(?:(GLOBAL|PERSIST|PERSIST_ONLY)\s+|SESSION\s+|LOCAL\s+|@@(?:(GLOBAL|PERSIST)\.|SESSION\.|LOCAL\.)?)?sql_mode\s*:?=\s*([^;]*)/gi;
const KEEPS_OLD = /@@(?:session\.|local\.)?sql_mode/i;
const NO_BACKSLASH = /NO_BACKSLASH_ESCAPES/i;
const ANSI_QUOTES = /ANSI_QUOTES|(?:^|[^A-Z_])ANSI(?:[^A-Z_]|$)/i;

/** The dialect a connection's session reads queries in (default modes unless the app set others). */
export function sessionDialect(connection: unknown): SqlDialect {
  return (typeof connection === 'object' && connection !== null && modes.get(connection)) || 'mysql';
}

/** Learns the session mode from an app query that sets it (called for queries that were allowed). */
export function learnSessionMode(connection: unknown, sql: unknown): void {
  if (typeof sql !== 'string' || typeof connection !== 'object' || connection === null || !MENTIONS_MODE.test(sql)) return;
  let dialect = sessionDialect(connection);
  SET_MODE.lastIndex = 0;
  for (let m = SET_MODE.exec(sql); m !== null; m = SET_MODE.exec(sql)) {
    if (m[1] !== undefined || m[2] !== undefined) continue; // the global default: new sessions only
    const value = m[3]!;
    const keep = KEEPS_OLD.test(value); // CONCAT(@@sql_mode, ',ANSI_QUOTES') adds to the old mode
    const old = keep ? dialect : 'mysql';
    const noBackslash = NO_BACKSLASH.test(value) || (keep && (old === 'mysql-no-backslash' || old === 'mysql-ansi-no-backslash'));
    const ansi = ANSI_QUOTES.test(value) || (keep && (old === 'mysql-ansi-quotes' || old === 'mysql-ansi-no-backslash'));
    dialect = noBackslash ? (ansi ? 'mysql-ansi-no-backslash' : 'mysql-no-backslash') : ansi ? 'mysql-ansi-quotes' : 'mysql';
  }
  modes.set(connection, dialect);
}

/** The text and value detectors of one driver, one pair per session dialect, made once. */
export function sessionDetectors(system: 'mysql' | 'mariadb'): (connection: unknown) => { text: SinkDetector<string>; values: SinkDetector<FormattedCall> } {
  const made = new Map<SqlDialect, { text: SinkDetector<string>; values: SinkDetector<FormattedCall> }>();
  return (connection) => {
    const dialect = sessionDialect(connection);
    let pair = made.get(dialect);
    if (pair === undefined) {
      pair = { text: sqlSinkDetector(dialect, system as DbSystem), values: sqlValuesDetector(system, dialect) };
      made.set(dialect, pair);
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
export function sessionChecker(system: 'mysql' | 'mariadb', textOf: (sql: unknown) => unknown): { check: SessionCheck; detectorsFor: ReturnType<typeof sessionDetectors> } {
  const detectorsFor = sessionDetectors(system);
  const check: SessionCheck = (connection, sink, sql, values) => {
    const text = textOf(sql);
    const { text: textDetector, values: valuesDetector } = detectorsFor(connection);
    const blocked = checkFormattedSql(textDetector, valuesDetector, sink, connection, text, valuesOf(sql, values));
    if (blocked === undefined) learnSessionMode(connection, text);
    return blocked;
  };
  return { check, detectorsFor };
}
