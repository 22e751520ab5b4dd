'use strict';
// SQL injection: libinjection sqli-*.txt and false_positives.txt, CRS 942 tests. Every
// payload is rendered into each template of sql-templates.js for each dialect, judged by
// that dialect's oracle (sql-oracle-*.js) and by detectSqlInjection.

const corpora = require('./corpora');
const { load, input, verdict } = require('./detectors');
const { Tally, MistakeLog, outcomeOf } = require('./tally');
const { TEMPLATES, renderFor } = require('./sql-templates');
const pgOracle = require('./sql-oracle-pg');
const sqliteOracle = require('./sql-oracle-sqlite');
const mysqlOracle = require('./sql-oracle-mysql');

const DIALECTS = ['postgres', 'sqlite', 'mysql'];

/**
 * Session modes the server may use that the hook cannot see (docs/sql.md, "Session SQL
 * modes"): each case is judged again with the other readings, as the hooks do. The oracles
 * read every case in the default modes, so a benign case flagged only here is a false
 * positive the extra readings cost on a server that runs the default.
 */
const READINGS = {
  'ANSI_QUOTES unknown (a connected mysql/mysql2/mariadb session)': { mysql: ['mysql-ansi-quotes'] },
  'nothing known (every reading)': { mysql: ['mysql-no-backslash', 'mysql-ansi-quotes', 'mysql-ansi-no-backslash'], postgres: ['postgres-backslash'] },
};

async function run() {
  const notes = [];
  const sets = [...corpora.libinjectionSets()];
  const crs = corpora.crsSets('942');
  if (crs === undefined) notes.push('CRS 942 skipped: the `yaml` package is not installed');
  else sets.push(...crs);

  const det = load('sql', ['detectSqlInjection']);
  if (det.error) notes.push(`detector: ${det.error}`);
  const detect = det.mod ? det.mod.detectSqlInjection : undefined;

  const mysqlInitError = await mysqlOracle.init();
  for (const [name, err] of [
    ['postgres', await pgOracle.init()],
    ['sqlite', sqliteOracle.init()],
    ['mysql', mysqlInitError],
  ]) {
    if (err) notes.push(`${name} oracle: ${err}`);
  }

  const tally = new Tally();
  const mistakes = new MistakeLog();
  const oracleUse = new Tally(); // which oracle decided, per dialect
  const readingsUse = new Map(); // the same cases under the readings of unknown session modes
  let cases = 0;
  try {
    for (const set of sets) {
      for (const payload of set.payloads) {
        // PostgreSQL and SQLite judge the shared rendering; MySQL's verdicts for all
        // templates are requested together so the server round trips overlap.
        const rows = TEMPLATES.map((template) => {
          const shared = renderFor(template, payload, 'postgres');
          const pgV = guarded('pg', () => pgOracle.pgVerdict(template, payload, shared));
          const sqliteV = guarded('sqlite', () => sqliteOracle.sqliteVerdict(template, payload, shared, pgOracle.hasComment));
          const mysqlRendered = renderFor(template, payload, 'mysql');
          return { template, shared, pgV, sqliteV, mysqlRendered, mysqlV: mysqlOracle.mysqlVerdict(template, payload, mysqlRendered, shared, pgV, sqliteV) };
        });
        for (const row of rows) {
          row.mysqlV = await row.mysqlV;
          for (const dialect of DIALECTS) {
            const rendered = dialect === 'mysql' ? row.mysqlRendered : row.shared;
            const oracle = dialect === 'postgres' ? row.pgV : dialect === 'sqlite' ? row.sqliteV : row.mysqlV;
            const d = detect ? verdict(() => detect(rendered, input(payload), dialect)) : { error: det.error };
            if (detect && oracle.attack !== undefined && !d.error) {
              for (const [readings, also] of Object.entries(READINGS)) {
                if (also[dialect] === undefined) continue;
                const d2 = verdict(() => detect(rendered, input(payload), dialect, { alsoAs: also[dialect] }));
                const k = `${dialect}\t${readings}`;
                const c = readingsUse.get(k) ?? { detected: 0, detectedOnlyHere: 0, wronglyFlagged: 0, flaggedOnlyHere: 0 };
                const outcome = oracle.attack ? (d.flagged ? 'detected' : d2.flagged ? 'detectedOnlyHere' : undefined) : d.flagged ? 'wronglyFlagged' : d2.flagged ? 'flaggedOnlyHere' : undefined;
                if (outcome !== undefined) c[outcome]++;
                if (!oracle.attack && !d.flagged && d2.flagged && c.examples === undefined) c.examples = [];
                if (!oracle.attack && !d.flagged && d2.flagged && c.examples.length < 5) c.examples.push(`${row.template.name}: ${JSON.stringify(payload).slice(0, 60)} (${d2.rule})`);
                readingsUse.set(k, c);
              }
            }
            const outcome = outcomeOf(oracle.attack, d);
            tally.add({ file: set.file, label: set.label, dialect, template: row.template.name }, outcome);
            oracleUse.add({ dialect, by: oracleName(oracle) }, oracle.attack === undefined ? 'noOracle' : oracle.attack ? 'detected' : 'ignored');
            const why = (payload.includes('\0') && oracle.attack ? 'NUL byte (ends the query text for the parser); ' : '') + oracle.reason;
            mistakes.note(outcome, { file: set.file, payload, template: row.template.name, dialect, why, rule: d.rule ?? d.error });
            cases++;
          }
        }
      }
    }
  } finally {
    if (mysqlOracle.status() && mysqlOracle.status() !== mysqlInitError) notes.push(`mysql oracle: ${mysqlOracle.status()}`);
    sqliteOracle.close();
    await mysqlOracle.close();
  }
  const extraTables = [readingsTable(readingsUse)];
  return { name: 'sql', title: 'SQL injection (detectSqlInjection)', tally, mistakes, notes, cases, oracleUse, extraTables, labelFields: ['dialect', 'template'] };
}

function readingsTable(use) {
  const out = ['### Unknown session modes: the same cases judged under every reading', ''];
  out.push('| dialect | readings | attacks detected (default reading) | attacks detected only under another reading | benign wrongly flagged (default reading) | benign flagged only under another reading |');
  out.push('|---|---|---|---|---|---|');
  const examples = [];
  for (const [k, c] of use) {
    const [dialect, readings] = k.split('\t');
    out.push(`| ${dialect} | ${readings} | ${c.detected} | ${c.detectedOnlyHere} | ${c.wronglyFlagged} | ${c.flaggedOnlyHere} |`);
    for (const e of c.examples ?? []) examples.push(`- ${dialect}, ${readings}: ${e}`);
  }
  if (examples.length) out.push('', 'Benign cases flagged only under another reading (first 5 each):', '', ...examples);
  return out.join('\n');
}

/** An oracle that fails on one case leaves that case undecided instead of ending the run. */
function guarded(name, fn) {
  try {
    return fn();
  } catch (e) {
    return { attack: undefined, reason: `${name}: oracle error (${String(e && e.message).slice(0, 60)})` };
  }
}

function oracleName(v) {
  const r = v.reason || '';
  if (r.startsWith('pg+sqlite')) return 'PostgreSQL+SQLite agreement';
  if (r.startsWith('mariadb')) return 'MariaDB parser (syntax error)';
  if (r.startsWith('pg:')) return 'PostgreSQL parser (libpg-query)';
  if (r.startsWith('sqlite:')) return 'SQLite bytecode (EXPLAIN)';
  return 'none';
}

module.exports = { run };

if (require.main === module) {
  require('./run')
    .main(['sql'])
    .finally(() => process.exit(0));
}
