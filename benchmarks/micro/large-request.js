'use strict';
// Large requests, against dist/ (issue 17): what collecting every input of a large benign
// request and searching a query for all of them costs, as a ratio to work the app does for
// that request anyway, and the worst-case CPU of one check under the default work budget.
//
// - 10,000-field form: collect (a fresh context, the parsed body walked) + one SQL check of
//   an INSERT holding three of the values; baseline: parsing the urlencoded body into an
//   object (what any body parser does for that request).
// - 1,000-row bulk INSERT with every value an input: the check; baseline: the request
//   without rampart (parsing its JSON body, running the INSERT in better-sqlite3 in memory).
// - Worst case: hostile requests built to make one SQL check as slow as possible (hostile.js
//   lists the shapes and why each is expensive). Each runs under the default budget
//   (limits.checkBudget) until it clears the call or runs out; baseline: what the same
//   request costs the app without rampart (JSON.parse of its body, then the query in SQLite).
//   The worst shape's CPU per check is the bound the budget gives, in milliseconds.
// Run directly (`node benchmarks/micro/large-request.js`) or through runLargeRequest(options).
const path = require('node:path');
const { measure } = require('../lib/measure');
const { HOSTILE_SHAPES } = require('./hostile');

const dist = path.join(__dirname, '..', '..', 'dist');
const { RequestContext } = require(path.join(dist, 'context', 'request-context'));
const { DEFAULT_CONFIG } = require(path.join(dist, 'config', 'defaults'));
const { detectSqlInjection } = require(path.join(dist, 'detect', 'sql'));
const { openBudget, closeBudget, unitsSpent } = require(path.join(dist, 'detect', 'budget'));
const { forgetIndexedPayloads } = require(path.join(dist, 'detect', 'occurrences'));

const LIMITS = DEFAULT_CONFIG.limits;
const BUDGET = LIMITS.checkBudget;

/** One SQL check under the default budget: its verdict and the work units it spent. */
function budgetedCheck(query, inputs) {
  openBudget(BUDGET);
  try {
    const verdict = detectSqlInjection(query, inputs, 'sqlite');
    return { verdict, units: unitsSpent() };
  } finally {
    closeBudget();
  }
}

const FIELDS = 10_000;
const FORM = Array.from({ length: FIELDS }, (_, i) => `field${i}=${encodeURIComponent(`value ${i} of the form`)}`).join('&');
const HEADERS = { host: 'shop.example.com', 'user-agent': 'Mozilla/5.0', accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
const parseForm = () => Object.fromEntries(new URLSearchParams(FORM));
const FORM_BODY = parseForm();
const FORM_QUERY = `INSERT INTO contacts (a, b, c) VALUES ('${FORM_BODY.field1}', '${FORM_BODY.field5000}', '${FORM_BODY.field9999}')`;

function collectAndCheck() {
  const ctx = new RequestContext(LIMITS, { method: 'POST', url: '/contacts', headers: HEADERS, body: FORM_BODY, socket: {} }, {});
  return budgetedCheck(FORM_QUERY, ctx.distinctInputs());
}

const PEOPLE = Array.from({ length: 1000 }, (_, i) => [`Customer ${i} O'Brien`, `user${i}@example.com`, ['Paris', 'Berlin', "Val-d'Or"][i % 3]]);
const quote = (s) => `'${s.replace(/'/g, "''")}'`;
const BULK = `INSERT INTO people (name, email, city, n) VALUES ${PEOPLE.map((p, i) => `(${p.map(quote).join(', ')}, ${i})`).join(', ')}`;
const BULK_INPUTS = [...new Set(PEOPLE.flat())].map((value, i) => ({ source: 'body', path: `people.${i}`, value }));
const BULK_BODY = JSON.stringify({ people: PEOPLE });

// A full collection before each timed run, so neither side of a pair pays for the garbage
// the other left (a check under the budget allocates tens of MB; the request's time moved
// from 30 to 100 ms with whatever collection fell into it).
require('node:v8').setFlagsFromString('--expose-gc');
const collectGarbage = require('node:vm').runInNewContext('gc');

/** CPU milliseconds (user + system) of one call of fn, after a full collection. */
function cpuMs(fn) {
  collectGarbage();
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

let keep;
async function runLargeRequest(options = {}) {
  const Database = require('better-sqlite3');
  const db = new Database(':memory:');
  db.exec('CREATE TABLE people (name TEXT, email TEXT, city TEXT, n INTEGER)');
  db.exec('CREATE TABLE t (x TEXT, y TEXT, z TEXT)');
  const insertBulk = () => db.exec(BULK);
  // What the app does for that request anyway: parse its JSON body, run the INSERT.
  const bulkRequest = () => {
    keep = JSON.parse(BULK_BODY);
    db.exec(BULK);
  };
  const form = collectAndCheck();
  const bulk = budgetedCheck(BULK, BULK_INPUTS);
  if (form.verdict !== undefined || bulk.verdict !== undefined) throw new Error('a benign large request was flagged');
  const rows = await measure(
    [
      { name: 'parse a 10,000-field form (baseline)', fn: () => (keep = parseForm()) },
      { name: 'collect 10,000 fields + check one INSERT', fn: () => (keep = collectAndCheck()) },
      { name: '1,000-row bulk INSERT in SQLite, no rampart', fn: insertBulk },
      { name: '1,000-row import request: parse its JSON body + INSERT, no rampart (baseline)', fn: bulkRequest },
      { name: '1,000-row bulk INSERT: check with every value an input', fn: () => (keep = budgetedCheck(BULK, BULK_INPUTS)) },
    ],
    options,
  );
  const ns = Object.fromEntries(rows.map((r) => [r.name, r.medianNs]));

  // Each hostile shape against what its request costs the app without rampart.
  const hostile = [];
  for (const shape of HOSTILE_SHAPES) {
    const { query, inputs } = shape.build();
    const body = JSON.stringify(Object.fromEntries(inputs.map((input) => [input.path, input.value])));
    const request = () => {
      keep = JSON.parse(body);
      db.prepare(query.replace(/^SELECT \*/, 'SELECT count(*)')).get();
    };
    const outcome = budgetedCheck(query, inputs);
    // CPU time of a few whole runs: each takes tens to hundreds of milliseconds, too long
    // for tinybench's sampling, and CPU time is what the budget bounds. The request and the
    // check alternate, and the ratio is the median of each pair's: measured one after the
    // other (all requests, then all checks), a host that slowed down in between moved the
    // ratio from 4.4 to 7.5 (a CI run on 2026-12-07).
    const runs = options.hostileRuns ?? 3;
    // Cold: an attacker varies the query between requests, so no index of it is reused.
    const check = () => {
      forgetIndexedPayloads();
      keep = budgetedCheck(query, inputs);
    };
    const pairs = Array.from({ length: runs }, () => ({ requestMs: cpuMs(request), checkMs: cpuMs(check) }));
    hostile.push({
      shape: shape.name,
      verdict: outcome.verdict?.rule ?? 'cleared',
      units: outcome.units,
      checkMs: median(pairs.map((p) => p.checkMs)),
      requestMs: median(pairs.map((p) => p.requestMs)),
      ratio: median(pairs.map((p) => p.checkMs / p.requestMs)),
    });
  }
  db.close();
  const worst = hostile.reduce((a, b) => (b.checkMs > a.checkMs ? b : a));
  return {
    rows,
    hostile,
    formUnits: form.units,
    bulkUnits: bulk.units,
    budget: BUDGET,
    formRatio: ns['collect 10,000 fields + check one INSERT'] / ns['parse a 10,000-field form (baseline)'],
    bulkRatio: ns['1,000-row bulk INSERT: check with every value an input'] / ns['1,000-row import request: parse its JSON body + INSERT, no rampart (baseline)'],
    worstCheckMs: worst.checkMs,
    worstShape: worst.shape,
    worstRatio: Math.max(...hostile.map((h) => h.ratio)),
  };
}

module.exports = { runLargeRequest, kept: () => keep };

if (require.main === module) {
  runLargeRequest({ timeMs: 2000 }).then((out) => {
    for (const r of out.rows) console.log(`${r.name}: median ${(r.medianNs / 1e6).toFixed(2)} ms`);
    for (const h of out.hostile) {
      console.log(`hostile ${h.shape}: ${h.verdict}, ${h.units} units, check ${h.checkMs.toFixed(1)} ms, request without rampart ${h.requestMs.toFixed(1)} ms, ratio ${h.ratio.toFixed(2)}`);
    }
    console.log(`units: 10,000-field form ${out.formUnits}, bulk INSERT ${out.bulkUnits} (budget ${out.budget})`);
    console.log(`ratios: 10,000-field form ${out.formRatio.toFixed(2)}x its parse; bulk INSERT check ${out.bulkRatio.toFixed(2)}x its request (JSON body parsed + INSERT); worst hostile check ${out.worstCheckMs.toFixed(1)} ms (${out.worstShape}), worst ratio ${out.worstRatio.toFixed(2)}x its request`);
  });
}
