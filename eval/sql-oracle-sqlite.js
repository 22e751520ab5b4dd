'use strict';
// Ground truth for SQLite from SQLite itself (better-sqlite3, in-memory database with the
// templates' table). Queries are only prepared and EXPLAINed: EXPLAIN returns the compiled
// bytecode program without running it.
//
// The input stays in its slot iff
//   - the rendered query compiles to exactly one statement (any compile error means the
//     input is not a value of the slot's kind: a value of that kind always compiles; the
//     one exception, an unknown column named in the ORDER BY slot, is resolved by adding
//     that column to a scratch copy of the table and compiling again);
//   - its bytecode equals the bytecode of the template filled with a harmless value of
//     the same kind, opcode by opcode and operand by operand, except where the template's
//     program loads the slot value: there the rendered program must load a constant, and
//     for string slots a string whose value is exactly the input, doubled quotes read as
//     one (ORDER BY: the column
//     number operands are ignored, and both a selected and an unselected column are tried);
//   - and the input adds no comment (scanned with PostgreSQL's scanner; SQLite has no
//     tokenizer API, and `--` and `/* */` are the same in both).

const { SCHEMA } = require('./sql-templates');

let Database;
let db;
let loadError;

function init() {
  try {
    Database = require('better-sqlite3');
    db = newDb();
  } catch (e) {
    loadError = `better-sqlite3 unavailable (${e.message})`;
  }
  return loadError;
}

function newDb() {
  const d = new Database(':memory:');
  d.exec(SCHEMA);
  return d;
}

function close() {
  try {
    db?.close();
  } catch {
    // closing is best effort
  }
}

const CONSTANT_OPS = new Set(['Integer', 'Int64', 'Real', 'String8', 'String', 'Null', 'Blob']);

/** The EXPLAIN program as [opcode, p1, p2, p3, p4, p5] rows, or throws SQLite's error. */
function program(database, query) {
  return database
    .prepare('EXPLAIN ' + query)
    .raw()
    .all()
    .map((r) => [r[1], r[2], r[3], r[4], r[5], r[6]]);
}

const SENT_STR = 'zzslotzz';
const SENT_NUM = 424242;

const refCache = new Map();
/** Reference programs for a template: [{ prog, slots: Set(index) }]. */
function references(template, listSize = 1) {
  const key = `${template.name}/${listSize}`;
  let r = refCache.get(key);
  if (r) return r;
  if (template.slot === 'string') {
    const want = template.literal(SENT_STR);
    const prog = program(db, template.render(SENT_STR));
    r = [{ prog, slots: indexes(prog, (op) => op[0] === 'String8' && op[4] === want) }];
  } else if (template.slot === 'number') {
    const prog = program(db, template.render(String(SENT_NUM)));
    r = [{ prog, slots: indexes(prog, (op) => op[0] === 'Integer' && op[1] === SENT_NUM) }];
  } else if (template.slot === 'list') {
    const values = Array.from({ length: listSize }, (_, i) => SENT_NUM + i);
    const prog = program(db, template.render(values.join(', ')));
    const set = new Set(values);
    r = [{ prog, slots: indexes(prog, (op) => op[0] === 'Integer' && set.has(op[1])) }];
  } else {
    // ORDER BY: a column the query does not select, one it does (SQLite sorts those
    // differently), and a constant (a value, though a useless one).
    r = ['name', 'id'].map((col) => ({ prog: program(db, template.render(col)), slots: new Set() }));
    const prog = program(db, template.render(`'${SENT_STR}'`));
    r.push({ prog, slots: indexes(prog, (op) => op[0] === 'String8' && op[4] === SENT_STR) });
  }
  refCache.set(key, r);
  return r;
}

function indexes(prog, pred) {
  const s = new Set();
  prog.forEach((op, i) => pred(op) && s.add(i));
  return s;
}

function sameProgram(ref, ren, template, payload) {
  if (ref.prog.length !== ren.length) return false;
  const literal = template.slot === 'string' ? Buffer.from(template.literal(payload), 'utf8').toString('utf8') : undefined;
  // Doubled quotes inside the input are escapes that keep it inside the literal.
  const unescaped = literal?.replace(/''/g, "'");
  for (let i = 0; i < ren.length; i++) {
    const a = ref.prog[i];
    const b = ren[i];
    if (ref.slots.has(i)) {
      if (!CONSTANT_OPS.has(b[0])) return false;
      if (literal !== undefined && (b[0] !== 'String8' || (b[4] !== literal && b[4] !== unescaped))) return false;
      continue;
    }
    if (a[0] !== b[0]) return false;
    for (let k = 1; k <= 5; k++) {
      if (a[k] === b[k]) continue;
      if (a[0] === 'Transaction') continue; // schema cookie and generation: the scratch table was altered
      if (template.slot === 'identifier' && ((a[0] === 'Column' && k === 2) || (a[0] === 'OpenRead' && k === 4))) continue;
      return false;
    }
  }
  return true;
}

function errorReason(msg) {
  if (/more than one statement/.test(msg)) return 'sqlite: more than one statement';
  if (/syntax error|incomplete input|unrecognized token|unterminated/.test(msg)) return `sqlite: does not parse (${msg.slice(0, 50)})`;
  if (/no such function/.test(msg)) return 'sqlite: input adds a function call';
  if (/no such table/.test(msg)) return 'sqlite: input adds a table reference';
  if (/no such column/.test(msg)) return 'sqlite: input adds a column reference';
  if (/Missing named parameter|Too few parameter/.test(msg)) return 'sqlite: input adds a bind parameter';
  return `sqlite: does not compile (${msg.slice(0, 60)})`;
}

/** Compiles the ORDER BY query, adding unknown columns to a scratch table first. */
function orderByProgram(rendered, payload) {
  let scratch;
  try {
    for (let attempt = 0; attempt < 6; attempt++) {
      try {
        return { prog: program(scratch ?? db, rendered) };
      } catch (e) {
        const m = /^no such column: (.+?)(?: - should this be a string literal in single-quotes\?)?$/.exec(String(e.message));
        if (!m) return { error: String(e.message) };
        const name = m[1].replace(/^"(.*)"$/s, '$1');
        if (name.includes('.')) {
          // `t.col` names a table the query does not have: still a (qualified) column name
          // when it is the whole input; anything more is judged as an error.
          return m[1] === payload.trim() ? { qualified: true } : { error: String(e.message) };
        }
        scratch ??= newDb();
        scratch.exec(`ALTER TABLE users ADD COLUMN "${name.replace(/"/g, '""')}" TEXT`);
      }
    }
    return { error: 'too many unknown columns' };
  } finally {
    scratch?.close();
  }
}

function sqliteVerdict(template, payload, rendered, hasComment) {
  if (!db) return { attack: undefined, reason: loadError };
  let prog;
  if (template.slot === 'identifier') {
    const r = orderByProgram(rendered, payload);
    if (r.qualified) return { attack: false, reason: 'sqlite: a qualified column name' };
    if (r.error !== undefined) {
      if (/ORDER BY term out of range/.test(r.error) && /^\s*\d+\s*$/.test(payload)) return { attack: false, reason: 'sqlite: a column position' };
      return { attack: true, reason: errorReason(r.error) };
    }
    prog = r.prog;
  } else {
    try {
      prog = program(db, rendered);
    } catch (e) {
      return { attack: true, reason: errorReason(String(e.message)) };
    }
  }
  let refs;
  if (template.slot === 'list') {
    // The slot may hold several constants: try every list length the input could make.
    const commas = (payload.match(/,/g) || []).length;
    refs = [];
    for (let n = 1; n <= Math.min(commas + 1, 64); n++) refs.push(...references(template, n));
  } else {
    refs = references(template);
  }
  if (!refs.some((ref) => sameProgram(ref, prog, template, payload))) return { attack: true, reason: 'sqlite: bytecode differs from the template' };
  if (template.slot !== 'string' && hasComment(rendered)) return { attack: true, reason: 'sqlite: bytecode unchanged, input adds a comment' };
  return { attack: false, reason: 'sqlite: input is the slot value' };
}

module.exports = { init, close, sqliteVerdict };
