'use strict';
// Counting outcomes and printing them as markdown tables.
//
// Every evaluated case has an oracle verdict (attack / not an attack / undecided) and a
// detector verdict (flagged / not flagged / threw). Their combination is the outcome:
//   detected        oracle: attack,        detector flagged
//   missed          oracle: attack,        detector did not flag
//   ignored         oracle: not an attack, detector did not flag (correctly ignored)
//   wrongly flagged oracle: not an attack, detector flagged
//   no oracle       nothing independent decided; counted apart (with how many were flagged)
//   error           the detector threw

const OUTCOMES = ['detected', 'missed', 'ignored', 'wronglyFlagged', 'noOracle', 'noOracleFlagged', 'error'];

function outcomeOf(oracleAttack, det) {
  if (det.error !== undefined) return 'error';
  if (oracleAttack === undefined) return det.flagged ? 'noOracleFlagged' : 'noOracle';
  if (oracleAttack) return det.flagged ? 'detected' : 'missed';
  return det.flagged ? 'wronglyFlagged' : 'ignored';
}

function emptyCounts() {
  const c = {};
  for (const k of OUTCOMES) c[k] = 0;
  return c;
}

class Tally {
  constructor() {
    this.by = new Map(); // key string -> { key, counts }
  }

  add(key, outcome) {
    const k = JSON.stringify(key);
    let e = this.by.get(k);
    if (!e) {
      e = { key, counts: emptyCounts() };
      this.by.set(k, e);
    }
    e.counts[outcome]++;
  }

  /** Sum counts grouped by the given key fields, in first-seen order. */
  group(fields) {
    const out = new Map();
    for (const { key, counts } of this.by.values()) {
      const gk = fields.map((f) => key[f]);
      const s = JSON.stringify(gk);
      let e = out.get(s);
      if (!e) {
        e = { key: Object.fromEntries(fields.map((f, i) => [f, gk[i]])), counts: emptyCounts() };
        out.set(s, e);
      }
      for (const o of OUTCOMES) e.counts[o] += counts[o];
    }
    return [...out.values()];
  }

  total() {
    const c = emptyCounts();
    for (const { counts } of this.by.values()) for (const o of OUTCOMES) c[o] += counts[o];
    return c;
  }

  /** Finest-grained rows for results.json. */
  rows() {
    return [...this.by.values()].map(({ key, counts }) => ({ ...key, ...counts }));
  }
}

function pct(n, d) {
  return d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`;
}

/** Recall and false-positive rate over the oracle-decided cases. */
function rates(c) {
  const attacks = c.detected + c.missed;
  const benign = c.ignored + c.wronglyFlagged;
  return {
    attacks,
    benign,
    recall: pct(c.detected, attacks),
    fpRate: pct(c.wronglyFlagged, benign),
  };
}

function mdEscape(s) {
  return String(s).replace(/\|/g, '\\|').replace(/\n/g, '\\n');
}

/** A markdown table of grouped counts; `label` fields first, then the outcomes. */
function countsTable(groups, labelFields, { showErrors = true } = {}) {
  const head = [...labelFields, 'detected', 'missed', 'not an attack (ignored)', 'wrongly flagged', 'no oracle (flagged)', 'recall', 'false-positive rate'];
  if (showErrors) head.push('detector errors');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const { key, counts: c } of groups) {
    const r = rates(c);
    const cells = [
      ...labelFields.map((f) => mdEscape(key[f])),
      c.detected,
      c.missed,
      c.ignored,
      c.wronglyFlagged,
      `${c.noOracle + c.noOracleFlagged} (${c.noOracleFlagged})`,
      r.recall,
      r.fpRate,
    ];
    if (showErrors) cells.push(c.error);
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function totalRow(tally, label, labelFields) {
  const key = Object.fromEntries(labelFields.map((f, i) => [f, i === 0 ? `**${label}**` : '']));
  return { key, counts: tally.total() };
}

// ---------------------------------------------------------------------------------
// Picking instructive examples: short payloads first, one per kind of mistake.

function skeleton(payload) {
  return payload
    .replace(/[A-Za-z_][A-Za-z0-9_]*/g, 'w')
    .replace(/[0-9]+/g, '0')
    .replace(/\s+/g, ' ')
    .slice(0, 10);
}

/**
 * Up to `n` examples from `cases`, one row per payload (its templates and dialects
 * merged), preferring short payloads and a spread over oracle reasons and payload shapes.
 */
function pickInstructive(cases, n = 20) {
  const merged = new Map();
  for (const c of cases) {
    const m = merged.get(c.payload);
    if (!m) {
      merged.set(c.payload, { ...c, templates: [c.template], dialects: c.dialect ? [c.dialect] : [] });
      continue;
    }
    if (!m.templates.includes(c.template)) m.templates.push(c.template);
    if (c.dialect && !m.dialects.includes(c.dialect)) m.dialects.push(c.dialect);
  }
  const rows = [...merged.values()].map((m) => ({ ...m, template: m.templates.join(', '), dialect: m.dialects.join(',') || undefined }));
  rows.sort((a, b) => a.payload.length - b.payload.length || (a.payload < b.payload ? -1 : 1));
  const seen = new Set();
  const out = [];
  for (const pass of [0, 1]) {
    for (const c of rows) {
      if (out.length >= n) break;
      if (out.includes(c)) continue;
      const sig = `${c.why.replace(/\(.*$/, '')}|${c.rule ?? ''}|${skeleton(c.payload).slice(0, 4)}`;
      if (pass === 0 && seen.has(sig)) continue;
      seen.add(sig);
      out.push(c);
    }
  }
  return out;
}

function examplesTable(list, extraFields = []) {
  const head = ['payload', 'template', ...extraFields, 'oracle said', 'detector'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const c of list) {
    const payload = JSON.stringify(c.payload.length > 120 ? c.payload.slice(0, 117) + '...' : c.payload);
    lines.push(`| \`${mdEscape(payload).replace(/`/g, 'ˋ')}\` | ${c.template} | ${extraFields.map((f) => mdEscape(c[f] ?? '')).join(' | ')}${extraFields.length ? ' | ' : ''}${mdEscape(c.why)} | ${mdEscape(c.rule ?? 'not flagged')} |`);
  }
  return lines.join('\n');
}

/** Keeps a bounded sample of mistakes per kind so memory stays small on big corpora. */
class MistakeLog {
  constructor(limit = 4000) {
    this.limit = limit;
    this.missed = [];
    this.wronglyFlagged = [];
    this.errors = [];
  }

  note(outcome, c) {
    const list = outcome === 'missed' ? this.missed : outcome === 'wronglyFlagged' ? this.wronglyFlagged : outcome === 'error' ? this.errors : undefined;
    if (list && list.length < this.limit) list.push(c);
  }
}

module.exports = { Tally, MistakeLog, outcomeOf, countsTable, totalRow, rates, pickInstructive, examplesTable, pct };
