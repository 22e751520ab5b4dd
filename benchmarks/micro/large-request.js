'use strict';
// Large requests, against dist/ (issue 17): what collecting every input of a large benign
// request and searching a query for all of them costs, as a ratio to work the app does for
// that request anyway, and the worst-case CPU of one check under the default work budget.
//
// - 10,000-field form: collect (a fresh context, the parsed body walked) + one SQL check of
//   an INSERT holding three of the values; baseline: parsing the urlencoded body into an
//   object (what any body parser does for that request).
// - 1,000-row bulk INSERT with every value an input: the check; baseline: running the same
//   INSERT in better-sqlite3 (in memory) without rampart.
// - Worst case: a check that runs out of the default budget (limits.checkBudget) on hostile
//   input (5,000 distinct inputs whose every character pair is common in a 200 KB query);
//   baseline: the same bulk INSERT as above.
// Run directly (`node benchmarks/micro/large-request.js`) or through runLargeRequest(options).
const path = require('node:path');
const { measure } = require('../lib/measure');

const dist = path.join(__dirname, '..', '..', 'dist');
const { RequestContext } = require(path.join(dist, 'context', 'request-context'));
const { DEFAULT_CONFIG } = require(path.join(dist, 'config', 'defaults'));
const { detectSqlInjection } = require(path.join(dist, 'detect', 'sql'));
const { openBudget, closeBudget } = require(path.join(dist, 'detect', 'budget'));

const LIMITS = DEFAULT_CONFIG.limits;
const BUDGET = LIMITS.checkBudget;

const FIELDS = 10_000;
const FORM = Array.from({ length: FIELDS }, (_, i) => `field${i}=${encodeURIComponent(`value ${i} of the form`)}`).join('&');
const HEADERS = { host: 'shop.example.com', 'user-agent': 'Mozilla/5.0', accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
const parseForm = () => Object.fromEntries(new URLSearchParams(FORM));
const FORM_BODY = parseForm();
const FORM_QUERY = `INSERT INTO contacts (a, b, c) VALUES ('${FORM_BODY.field1}', '${FORM_BODY.field5000}', '${FORM_BODY.field9999}')`;

function collectAndCheck() {
  const ctx = new RequestContext(LIMITS, { method: 'POST', url: '/contacts', headers: HEADERS, body: FORM_BODY, socket: {} }, {});
  openBudget(BUDGET);
  try {
    return detectSqlInjection(FORM_QUERY, ctx.distinctInputs(), 'sqlite');
  } finally {
    closeBudget();
  }
}

const PEOPLE = Array.from({ length: 1000 }, (_, i) => [`Customer ${i} O'Brien`, `user${i}@example.com`, ['Paris', 'Berlin', "Val-d'Or"][i % 3]]);
const quote = (s) => `'${s.replace(/'/g, "''")}'`;
const BULK = `INSERT INTO people (name, email, city, n) VALUES ${PEOPLE.map((p, i) => `(${p.map(quote).join(', ')}, ${i})`).join(', ')}`;
const BULK_INPUTS = [...new Set(PEOPLE.flat())].map((value, i) => ({ source: 'body', path: `people.${i}`, value }));

function checkBulk() {
  openBudget(BUDGET);
  try {
    return detectSqlInjection(BULK, BULK_INPUTS, 'sqlite');
  } finally {
    closeBudget();
  }
}

// Hostile: a query of `ab` pairs and inputs made of the same pairs, each different.
const HOSTILE_QUERY = `SELECT * FROM t WHERE x = '${'ab'.repeat(100_000)}'`;
const HOSTILE_INPUTS = Array.from({ length: 5000 }, (_, i) => ({ source: 'body', path: `k${i}`, value: `${'ab'.repeat(20 + (i % 50))}b${i}` }));
let hostileVerdict;
function checkHostile() {
  openBudget(BUDGET);
  try {
    return (hostileVerdict = detectSqlInjection(HOSTILE_QUERY, HOSTILE_INPUTS, 'sqlite'));
  } finally {
    closeBudget();
  }
}

let keep;
async function runLargeRequest(options = {}) {
  const Database = require('better-sqlite3');
  const db = new Database(':memory:');
  db.exec('CREATE TABLE people (name TEXT, email TEXT, city TEXT, n INTEGER)');
  const insertBulk = () => db.exec(BULK);
  if (collectAndCheck() !== undefined || checkBulk() !== undefined) throw new Error('a benign large request was flagged');
  const rows = await measure(
    [
      { name: 'parse a 10,000-field form (baseline)', fn: () => (keep = parseForm()) },
      { name: 'collect 10,000 fields + check one INSERT', fn: () => (keep = collectAndCheck()) },
      { name: '1,000-row bulk INSERT in SQLite, no rampart (baseline)', fn: insertBulk },
      { name: '1,000-row bulk INSERT: check with every value an input', fn: () => (keep = checkBulk()) },
      { name: 'hostile check, stopped by the default budget', fn: () => (keep = checkHostile()) },
    ],
    options,
  );
  db.close();
  const ns = Object.fromEntries(rows.map((r) => [r.name, r.medianNs]));
  return {
    rows,
    hostileRule: hostileVerdict?.rule,
    formRatio: ns['collect 10,000 fields + check one INSERT'] / ns['parse a 10,000-field form (baseline)'],
    bulkRatio: ns['1,000-row bulk INSERT: check with every value an input'] / ns['1,000-row bulk INSERT in SQLite, no rampart (baseline)'],
    worstRatio: ns['hostile check, stopped by the default budget'] / ns['1,000-row bulk INSERT in SQLite, no rampart (baseline)'],
  };
}

module.exports = { runLargeRequest, kept: () => keep };

if (require.main === module) {
  runLargeRequest({ timeMs: 2000 }).then((out) => {
    for (const r of out.rows) console.log(`${r.name}: median ${(r.medianNs / 1e6).toFixed(2)} ms`);
    console.log(`hostile check verdict: ${out.hostileRule}`);
    console.log(`ratios: 10,000-field form ${out.formRatio.toFixed(2)}x its parse; bulk INSERT check ${out.bulkRatio.toFixed(2)}x the INSERT; worst-case check ${out.worstRatio.toFixed(2)}x the INSERT`);
  });
}
