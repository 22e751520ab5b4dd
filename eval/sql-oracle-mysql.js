'use strict';
// Ground truth for MySQL, as far as it can be had without an embeddable MySQL parser:
//
// 1. MariaDB's own parser on 127.0.0.1, through COM_STMT_PREPARE only (a prepared
//    statement is parsed and resolved, never executed; it is closed right away), in a
//    throwaway database `rampart_eval` that holds one empty table and is dropped at the
//    end, with max_statement_time set as a second guard. A parse error (ER_PARSE_ERROR)
//    proves the input is not a value of its slot: attack. A query that parses says
//    nothing about structure, so:
// 2. where the rendered MySQL query is byte-identical to the PostgreSQL/SQLite one and
//    the input uses no syntax that MySQL reads differently (`#`, `--x`, `/*!`, backslash
//    escapes, double quotes, backticks, `@`, `||`, `&&`, `!`, `:=`, `{`, `$`, `[`,
//    charset introducers), the PostgreSQL and SQLite verdicts decide when they agree;
// 3. everything else has no oracle and is reported as "detector only".

const DB_NAME = 'rampart_eval';

let conn;
let loadError;
// Keeps the whole evaluation within its time budget on a slow or busy server: this long
// after connecting, the remaining cases fall back to steps 2 and 3.
const SERVER_BUDGET_MS = 60_000;
let connectedAt = 0;

async function init() {
  if (process.env.RAMPART_EVAL_MARIADB === 'off') {
    loadError = 'MariaDB not used (RAMPART_EVAL_MARIADB=off)';
    return loadError;
  }
  let mariadb;
  try {
    mariadb = require('mariadb');
  } catch (e) {
    loadError = `mariadb client unavailable (${e.message})`;
    return loadError;
  }
  try {
    conn = await mariadb.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      password: '',
      connectTimeout: 3000,
      prepareCacheLength: 0,
    });
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${DB_NAME}`);
    await conn.query(`USE ${DB_NAME}`);
    await conn.query('SET SESSION max_statement_time = 2');
    await conn.query('DROP TABLE IF EXISTS users');
    await conn.query('CREATE TABLE users (id INT, name VARCHAR(200), active INT, deleted_at VARCHAR(40))');
    connectedAt = Date.now();
  } catch (e) {
    loadError = `MariaDB on 127.0.0.1:3306 unavailable (${e.code || e.message})`;
    await close();
  }
  return loadError;
}

async function close() {
  if (!conn) return;
  const c = conn;
  conn = undefined;
  try {
    await c.query(`DROP DATABASE IF EXISTS ${DB_NAME}`);
  } catch {
    // best effort
  }
  try {
    await c.end();
  } catch {
    // best effort
  }
}

/** 'syntax-error' | 'parses' | undefined (no server). Never executes the query. */
async function mariadbParse(query) {
  if (!conn) return undefined;
  if (Date.now() - connectedAt > SERVER_BUDGET_MS) {
    loadError = `MariaDB time budget (${SERVER_BUDGET_MS / 1000} s) used up; later cases judged without it`;
    return undefined;
  }
  try {
    const stmt = await conn.prepare(query);
    stmt.close();
    return 'parses';
  } catch (e) {
    if (e.errno === 1064 || e.code === 'ER_PARSE_ERROR' || e.errno === 1149) return 'syntax-error';
    if (e.fatal) {
      loadError = `MariaDB connection lost (${e.code})`;
      conn = undefined;
      return undefined;
    }
    return 'parses'; // unknown column, function or table: the parser accepted it
  }
}

/** Does the payload use syntax that MySQL reads differently from PostgreSQL and SQLite? */
function mysqlNeutral(p) {
  if (/[#\\"`@{}$[\]]/.test(p)) return false;
  if (/--(?![ \t\n\r\f\v])/.test(p)) return false; // MySQL needs a space after `--`
  if (/\/\*[!+]|\|\||&&|:=|<=>|!(?!=)/.test(p)) return false;
  const open = p.indexOf('/*');
  if (open !== -1) {
    const close = p.indexOf('*/', open + 2);
    const nested = p.indexOf('/*', open + 2);
    if (nested !== -1 && (close === -1 || nested < close)) return false; // PostgreSQL nests comments
  }
  if (/(^|[^A-Za-z0-9_$])(_[A-Za-z0-9]+|[eEnN]|[uU]&)'/.test(p)) return false;
  if (/(^|[^A-Za-z0-9_$])[0-9]+[A-Za-z_]/.test(p)) return false; // MySQL names may start with digits: 9abc
  return true;
}

/** A lone word: whether it is a keyword or a name differs between the three dialects. */
function bareWord(p) {
  return /^\s*[A-Za-z_][A-Za-z0-9_]*\s*$/.test(p);
}

/**
 * { attack, reason } with attack undefined when no oracle decides.
 * `pgV`/`sqliteV` are the other oracles' verdicts on `sharedRendered` (their rendering).
 * The server is asked only when its answer can change the verdict: when PostgreSQL and
 * SQLite agree on an attack for MySQL-neutral text, a MariaDB parse error adds nothing.
 */
async function mysqlVerdict(template, payload, rendered, sharedRendered, pgV, sqliteV) {
  const agreed =
    rendered === sharedRendered &&
    mysqlNeutral(payload) &&
    !(template.slot === 'identifier' && bareWord(payload)) &&
    pgV.attack !== undefined &&
    pgV.attack === sqliteV.attack;
  if (agreed && pgV.attack) return { attack: true, reason: `pg+sqlite agree: ${pgV.reason.replace(/^pg: /, '')}` };
  const parsed = await mariadbParse(rendered);
  if (parsed === 'syntax-error') return { attack: true, reason: 'mariadb: does not parse' };
  if (agreed) return { attack: false, reason: `pg+sqlite agree: ${pgV.reason.replace(/^pg: /, '')}` };
  return { attack: undefined, reason: parsed === undefined ? `no oracle (${loadError})` : 'no oracle (parses in MariaDB; MySQL-specific syntax or pg/sqlite disagree)' };
}

module.exports = { init, close, mysqlVerdict, mysqlNeutral, status: () => loadError };
