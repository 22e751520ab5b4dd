// PostgreSQL's standard_conforming_strings, per pg client. With it off (a session or database
// setting), a backslash escapes in every ordinary '...' string, so `\'` no longer ends one and
// an input written for the default reading ends the literal elsewhere. The parameter is one
// the server reports itself (ParameterStatus at start-up and on every change, whoever changed
// it: SET, set_config, `options: '-c …'`, ALTER DATABASE/ROLE … SET, postgresql.conf), so the
// value is read from those reports. The app's own SET is learnt at once too, because pg sends
// queued queries before the report of an earlier SET comes back. Where the two disagree, or
// nothing is known yet (a client not yet connected, a pool without clients), the query is
// judged under both readings.
import { sqlSinkDetector } from '../../../checks/sql';
import type { SqlDialect } from '../../../detect/sql';
import type { SinkDetector } from '../../../guard';

/** true: standard strings (the default), false: backslash escapes; 'unknown': set to something not read here. */
type Setting = boolean | 'unknown';

/** What the server last reported for a client. */
const reported = new WeakMap<object, boolean>();
/** What the app's SET statements say, until the server's next report. */
const pending = new WeakMap<object, Setting>();

const PARAMETER = 'standard_conforming_strings';
const MENTIONS = /standard_conforming_strings/i;
const SET_IT = /\bSET\s+(?:SESSION\s+|LOCAL\s+)?standard_conforming_strings\s*(?:=|\bTO\b)\s*([^;]*)|\bset_config\s*\(\s*'standard_conforming_strings'\s*,\s*([^,)]*)|\bRESET\s+(?:standard_conforming_strings|ALL)\b/gi;

/** on, true, yes, 1 (quoted or not) and their opposites, as PostgreSQL reads a boolean setting. */
function booleanOf(value: string): Setting {
  const v = value.trim().replace(/^'(.*)'$/s, '$1').trim().toLowerCase();
  if (v === 'on' || v === 'true' || v === 'yes' || v === '1') return true;
  if (v === 'off' || v === 'false' || v === 'no' || v === '0') return false;
  return 'unknown'; // DEFAULT, a parameter, an expression: the server decides
}

interface ParameterStatus {
  parameterName?: unknown;
  parameterValue?: unknown;
}

/** Listens to the server's reports on the client's connection; called before it connects. */
export function watchPgClient(client: unknown): void {
  const connection = (client as { connection?: { on?: unknown } } | null)?.connection;
  if (typeof client !== 'object' || client === null || typeof connection?.on !== 'function') return;
  if (reported.has(client) || watched.has(client)) return;
  watched.add(client);
  (connection as { on(event: string, fn: (msg: ParameterStatus) => void): void }).on('parameterStatus', (msg) => {
    if (msg?.parameterName !== PARAMETER || typeof msg.parameterValue !== 'string') return;
    reported.set(client, msg.parameterValue.toLowerCase() !== 'off');
    pending.delete(client);
  });
}
const watched = new WeakSet<object>();

/** Learns the setting from an app query that changes it (called for queries that were allowed). */
export function learnPgSetting(session: unknown, sql: unknown): void {
  if (typeof sql !== 'string' || typeof session !== 'object' || session === null || !MENTIONS.test(sql)) return;
  SET_IT.lastIndex = 0;
  for (let m = SET_IT.exec(sql); m !== null; m = SET_IT.exec(sql)) {
    const value = m[1] ?? m[2];
    pending.set(session, value === undefined ? 'unknown' : booleanOf(value));
  }
}

const STD = 1; // standard strings possible
const BSL = 2; // backslash escapes possible

/** The possible settings of one session, as bits. */
function settingsOf(session: object): number {
  const said = pending.get(session);
  const report = reported.get(session);
  if (said === 'unknown' || (said === undefined && report === undefined)) return STD | BSL;
  return bitOf(said) | bitOf(report);
}

function bitOf(s: boolean | undefined): number {
  return s === true ? STD : s === false ? BSL : 0;
}

/** The readings of a client's queries, or of a pool's (every client it holds, and the pool's own SETs). */
export function pgReadings(session: unknown, clients?: readonly unknown[]): readonly SqlDialect[] {
  let bits = 0;
  if (typeof session !== 'object' || session === null) bits = STD | BSL;
  else if (clients === undefined) bits = settingsOf(session);
  else {
    if (pending.has(session)) bits |= settingsOf(session);
    if (clients.length === 0) bits = STD | BSL; // its first client's setting is not known yet
    for (let i = 0; i < clients.length && bits !== (STD | BSL); i++) {
      const c = clients[i];
      bits |= typeof c === 'object' && c !== null ? settingsOf(c) : STD | BSL;
    }
  }
  return bits === STD ? STANDARD : bits === BSL ? BACKSLASH : BOTH;
}
const STANDARD: readonly SqlDialect[] = ['postgres'];
const BACKSLASH: readonly SqlDialect[] = ['postgres-backslash'];
const BOTH: readonly SqlDialect[] = ['postgres', 'postgres-backslash'];

const detectors = new Map<readonly SqlDialect[], SinkDetector<string>>();

/** The detector for a set of readings (one of three), made once. */
export function pgDetector(readings: readonly SqlDialect[]): SinkDetector<string> {
  let d = detectors.get(readings);
  if (d === undefined) {
    d = sqlSinkDetector(readings[0]!, 'postgresql', readings.slice(1));
    detectors.set(readings, d);
  }
  return d;
}
