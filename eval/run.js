'use strict';
// Corpus evaluation: runs the SQL, shell, path and SSRF evaluations against the built
// detectors in dist/, prints markdown tables and writes eval/results.json.
// Usage: npm run eval   (or: node eval/run.js [sql] [shell] [path] [ssrf])
// Always exits 0: this is a report, not a gate.

const fs = require('node:fs');
const path = require('node:path');
const corpora = require('./corpora');
const { countsTable, totalRow, rates, pickInstructive, examplesTable } = require('./tally');

const MODULES = ['sql', 'shell', 'path', 'ssrf'];
const RESULTS = path.join(__dirname, 'results.json');

function section(result, ms) {
  const out = [];
  out.push(`## ${result.title}`);
  out.push('');
  out.push(`${result.cases} cases in ${(ms / 1000).toFixed(1)} s.`);
  for (const n of result.notes) out.push(`- note: ${n}`);
  out.push('');
  out.push('### Per corpus file');
  out.push('');
  const byFile = result.tally.group(['file']);
  out.push(countsTable([...byFile, totalRow(result.tally, 'total', ['file'])], ['file']));
  out.push('');
  out.push('### Per template');
  out.push('');
  const byTemplate = result.tally.group(result.labelFields);
  out.push(countsTable([...byTemplate, totalRow(result.tally, 'total', result.labelFields)], result.labelFields));
  if (result.oracleUse) {
    out.push('');
    out.push('### Which oracle decided');
    out.push('');
    out.push('| dialect | oracle | attack | not an attack | undecided |');
    out.push('|---|---|---|---|---|');
    for (const { key, counts } of result.oracleUse.group(['dialect', 'by'])) {
      out.push(`| ${key.dialect} | ${key.by} | ${counts.detected} | ${counts.ignored} | ${counts.noOracle} |`);
    }
  }
  for (const t of result.extraTables ?? []) {
    out.push('');
    out.push(t);
  }
  const extra = result.labelFields.filter((f) => f !== 'template');
  const missed = pickInstructive(result.mistakes.missed);
  const wrong = pickInstructive(result.mistakes.wronglyFlagged);
  out.push('');
  out.push(`### Instructive missed attacks (${missed.length} of ${result.tally.total().missed})`);
  out.push('');
  out.push(missed.length ? examplesTable(missed, extra) : 'none');
  out.push('');
  out.push(`### Instructive wrongly flagged inputs (${wrong.length} of ${result.tally.total().wronglyFlagged})`);
  out.push('');
  out.push(wrong.length ? examplesTable(wrong, extra) : 'none');
  if (result.mistakes.errors.length) {
    out.push('');
    out.push(`### Detector errors (first 5 of ${result.tally.total().error})`);
    for (const e of result.mistakes.errors.slice(0, 5)) out.push(`- ${JSON.stringify(e.payload).slice(0, 100)} (${e.template}): ${e.rule}`);
  }
  return { text: out.join('\n'), byFile, byTemplate, missed, wrong };
}

function summaryLine(name, c) {
  const r = rates(c);
  return `${name}: detected ${c.detected}/${r.attacks} attacks (recall ${r.recall}), wrongly flagged ${c.wronglyFlagged}/${r.benign} (${r.fpRate}), no oracle ${c.noOracle + c.noOracleFlagged}, detector errors ${c.error}`;
}

async function main(argv = process.argv.slice(2)) {
  if (!corpora.corporaAvailable()) {
    console.log(`corpus evaluation skipped: ${corpora.CORPORA_DIR} does not exist`);
    return;
  }
  const wanted = argv.filter((a) => MODULES.includes(a));
  const names = wanted.length ? wanted : MODULES;
  const started = Date.now();
  const results = { generatedAt: new Date().toISOString(), node: process.version, modules: {} };
  const summary = [];
  console.log('# rampart corpus evaluation');
  console.log('');
  for (const name of names) {
    const t0 = Date.now();
    let result;
    try {
      result = await require(`./${name}`).run();
    } catch (e) {
      // An evaluation that breaks is reported, and the others still run.
      console.log(`## ${name}\n\nevaluation failed: ${e && e.stack ? e.stack : e}\n`);
      summary.push(`${name}: evaluation failed (${e && e.message})`);
      results.modules[name] = { failed: String(e && e.message) };
      continue;
    }
    const ms = Date.now() - t0;
    const s = section(result, ms);
    console.log(s.text);
    console.log('');
    const total = result.tally.total();
    summary.push(summaryLine(name, total));
    results.modules[name] = {
      title: result.title,
      seconds: ms / 1000,
      cases: result.cases,
      notes: result.notes,
      total,
      byFile: s.byFile.map(({ key, counts }) => ({ ...key, ...counts })),
      byTemplate: s.byTemplate.map(({ key, counts }) => ({ ...key, ...counts })),
      oracleUse: result.oracleUse ? result.oracleUse.rows() : undefined,
      rows: result.tally.rows(),
      instructiveMissed: s.missed,
      instructiveWronglyFlagged: s.wrong,
      errors: result.mistakes.errors.slice(0, 50),
    };
  }
  results.seconds = (Date.now() - started) / 1000;
  try {
    fs.writeFileSync(RESULTS, JSON.stringify(results, null, 1));
  } catch (e) {
    console.log(`could not write ${RESULTS}: ${e.message}`);
  }
  // The coincidence corpus is the project's own (eval/coincidence-cases.js): it runs without
  // the public corpora and is quick.
  if (argv.length === 0 || argv.includes('coincidence')) {
    try {
      const coincidence = require('./coincidence').report();
      console.log(coincidence.text);
      console.log('');
      summary.push(coincidence.summary);
    } catch (e) {
      summary.push(`coincidence: evaluation failed (${e && e.message})`);
    }
  }
  console.log('## Summary');
  console.log('');
  for (const line of summary) console.log(`- ${line}`);
  console.log('');
  console.log(`EVAL SUMMARY: ${summary.join('; ')}; total ${results.seconds.toFixed(1)} s; details in eval/results.json`);
}

module.exports = { main };

if (require.main === module) {
  main()
    .catch((e) => console.log(`corpus evaluation failed: ${e && e.stack ? e.stack : e}`))
    .finally(() => {
      process.exit(0); // wasm runtimes may keep timers alive
    });
}
