'use strict';
// Coincidence false positives (docs/evaluation.md, "Coincidence corpus"): benign inputs
// equal to text the app wrote itself, per class, and their attack twins. Two modes:
//  - first sight: the detector alone, as on the first request that runs the text;
//  - seen before: the sink already received the same text in an earlier request whose
//    inputs did not occur in it, as the agent's checks record (detect/app-text.ts).
// Usage: node eval/coincidence.js [dist directory]   (default: ../dist)

const path = require('node:path');
const { BENIGN, ATTACKS } = require('./coincidence-cases');

function load(dist) {
  const sql = require(path.join(dist, 'detect', 'sql'));
  const shell = require(path.join(dist, 'detect', 'shell'));
  let Memory;
  try {
    Memory = require(path.join(dist, 'detect', 'app-text')).AppTextMemory;
  } catch {
    Memory = undefined; // a build without the memory: "seen before" is the same as first sight
  }
  return { sql, shell, Memory };
}

const input = (value) => [{ source: 'query', path: 'q', value }];
const EARLIER = [{ source: 'query', path: 'q', value: 'an earlier request' }];

/** Runs the sink text past the detector with `inputs`, recording into `memory` if given. */
function check(d, [sink, dialect, text], inputs, memory) {
  if (sink === 'sql') return d.sql.detectSqlInjection(text, inputs, dialect, memory === undefined ? undefined : { appTexts: memory });
  return d.shell.detectShellInjection(text, inputs, memory);
}

/** A benign case: in "seen before" mode an earlier request ran the same text first. */
function judge(d, c, memory) {
  if (memory !== undefined) check(d, c, EARLIER, memory);
  return check(d, c, input(c[3]), memory);
}

function evaluate(dist) {
  const d = load(dist);
  const rows = [];
  for (const cls of Object.keys(BENIGN)) {
    const row = { cls, benign: BENIGN[cls].length, first: 0, seen: 0, attacks: 0, caughtFirst: 0, caughtSeen: 0, flagged: [] };
    for (const c of BENIGN[cls]) {
      if (judge(d, c, undefined)) {
        row.first++;
        row.flagged.push(c[3]);
      }
      if (judge(d, c, d.Memory ? new d.Memory() : undefined)) row.seen++;
    }
    for (const [sink, dialect, template, value] of ATTACKS[cls] ?? []) {
      const text = template.replace('{}', value);
      // What an earlier request made of the same template with a harmless value.
      const clean = template.replace('{}', '7');
      row.attacks++;
      if (check(d, [sink, dialect, text], input(value), undefined)) row.caughtFirst++;
      const memory = d.Memory ? new d.Memory() : undefined;
      if (memory !== undefined) check(d, [sink, dialect, clean], EARLIER, memory);
      if (check(d, [sink, dialect, text], input(value), memory)) row.caughtSeen++;
    }
    rows.push(row);
  }
  return rows;
}

function table(rows) {
  const out = ['| class | benign cases | wrongly flagged, first sight | wrongly flagged, seen before | attack twins | caught, first sight | caught, seen before |', '|---|---|---|---|---|---|---|'];
  const sum = { benign: 0, first: 0, seen: 0, attacks: 0, caughtFirst: 0, caughtSeen: 0 };
  for (const r of rows) {
    out.push(`| ${r.cls} | ${r.benign} | ${r.first} | ${r.seen} | ${r.attacks} | ${r.caughtFirst} | ${r.caughtSeen} |`);
    for (const k of Object.keys(sum)) sum[k] += r[k];
  }
  out.push(`| total | ${sum.benign} | ${sum.first} | ${sum.seen} | ${sum.attacks} | ${sum.caughtFirst} | ${sum.caughtSeen} |`);
  return { text: out.join('\n'), sum };
}

function report(dist = path.join(__dirname, '..', 'dist')) {
  const rows = evaluate(dist);
  const { text, sum } = table(rows);
  const flagged = rows.filter((r) => r.flagged.length).map((r) => `${r.cls}: ${r.flagged.map((v) => JSON.stringify(v)).join(', ')}`);
  const lines = ['## Coincidence corpus', '', text, '', 'Still flagged at first sight:', ...flagged.map((l) => `- ${l}`)];
  const summary = `coincidence: wrongly flagged ${sum.first}/${sum.benign} at first sight, ${sum.seen}/${sum.benign} seen before; attack twins caught ${sum.caughtFirst}/${sum.attacks} and ${sum.caughtSeen}/${sum.attacks}`;
  return { text: lines.join('\n'), summary };
}

module.exports = { report, evaluate };

if (require.main === module) {
  const r = report(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(r.text);
  console.log('');
  console.log(r.summary);
}
