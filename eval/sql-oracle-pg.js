'use strict';
// Ground truth for PostgreSQL from PostgreSQL's own parser (libpg-query: the server's
// grammar compiled to WebAssembly). Parse only; nothing is executed.
//
// The input stays in its slot iff
//   - the rendered query parses (a query that contains the input and does not parse is
//     an attack: the database would reject it, and fail-closed is the project's rule);
//   - its parse tree equals the tree of the template filled with a harmless value of the
//     same kind, everywhere except at the slot (positions ignored);
//   - the node at the slot is of the slot's kind: a string constant whose value is exactly
//     the input, doubled quotes read as one (string, LIKE), any constant (numeric), a
//     column reference or a constant (ORDER BY), a list of constants (IN);
//   - and the input adds no comment (DESIGN.md section 3 counts comments as code even where
//     they change nothing), checked with PostgreSQL's scanner.

let pg;
let loadError;

async function init() {
  try {
    pg = require('libpg-query');
    await pg.loadModule();
  } catch (e) {
    pg = undefined;
    loadError = `libpg-query unavailable (${e.message})`;
  }
  return loadError;
}

const SENTINEL = { string: 'zzslotzz', number: '424242', identifier: 'zzslotzz', list: '424242' };

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Keys that hold source positions, not structure. */
function isPositionKey(k) {
  return k === 'location' || k === 'stmt_location' || k === 'stmt_len' || k.endsWith('_list_start') || k.endsWith('_list_end');
}

function slotPredicate(template) {
  const s = template.slot;
  if (s === 'string') {
    const want = template.literal(SENTINEL.string);
    return (n) => isObj(n) && isObj(n.A_Const) && n.A_Const.sval?.sval === want;
  }
  if (s === 'number') return (n) => isObj(n) && isObj(n.A_Const) && n.A_Const.ival?.ival === 424242;
  if (s === 'identifier') {
    return (n) => isObj(n) && isObj(n.ColumnRef) && n.ColumnRef.fields?.length === 1 && n.ColumnRef.fields[0].String?.sval === SENTINEL.identifier;
  }
  return (n) => isObj(n) && isObj(n.List) && n.List.items?.length === 1 && n.List.items[0].A_Const?.ival?.ival === 424242;
}

function findPath(node, pred, path = []) {
  if (pred(node)) return path;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const p = findPath(node[i], pred, [...path, i]);
      if (p) return p;
    }
  } else if (isObj(node)) {
    for (const k of Object.keys(node)) {
      if (isPositionKey(k)) continue;
      const p = findPath(node[k], pred, [...path, k]);
      if (p) return p;
    }
  }
  return undefined;
}

function acceptSlot(template, node, payload) {
  switch (template.slot) {
    case 'string': {
      // Doubled quotes inside the input are escapes that keep it inside the literal.
      const v = isObj(node.A_Const) ? node.A_Const.sval?.sval : undefined;
      const want = template.literal(payload);
      return v === want || v === want.replace(/''/g, "'");
    }
    case 'number':
      return isObj(node.A_Const);
    case 'identifier':
      if (isObj(node.A_Const)) return true; // ORDER BY 2, or a constant: a value, if a useless one
      return isObj(node.ColumnRef) && node.ColumnRef.fields.every((f) => isObj(f.String));
    default:
      return isObj(node.List) && node.List.items.length > 0 && node.List.items.every((i) => isObj(i.A_Const));
  }
}

/** Same structure outside the slot; the slot checked by `atSlot`. */
function sameShape(ref, ren, slotPath, depth, atSlot) {
  if (depth === slotPath.length) return atSlot(ren);
  const onPath = (k) => slotPath[depth] === k;
  if (Array.isArray(ref)) {
    if (!Array.isArray(ren) || ren.length !== ref.length) return false;
    for (let i = 0; i < ref.length; i++) {
      if (onPath(i) ? !sameShape(ref[i], ren[i], slotPath, depth + 1, atSlot) : !equalTree(ref[i], ren[i])) return false;
    }
    return true;
  }
  if (!isObj(ren)) return false;
  const rk = Object.keys(ref).filter((k) => !isPositionKey(k));
  const nk = Object.keys(ren).filter((k) => !isPositionKey(k));
  if (rk.length !== nk.length) return false;
  for (const k of rk) {
    if (!(k in ren)) return false;
    if (onPath(k) ? !sameShape(ref[k], ren[k], slotPath, depth + 1, atSlot) : !equalTree(ref[k], ren[k])) return false;
  }
  return true;
}

function equalTree(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalTree(a[i], b[i])) return false;
    return true;
  }
  if (!isObj(a) || !isObj(b)) return false;
  const ak = Object.keys(a).filter((k) => !isPositionKey(k));
  const bk = Object.keys(b).filter((k) => !isPositionKey(k));
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!(k in b) || !equalTree(a[k], b[k])) return false;
  return true;
}

const refs = new Map();
function reference(template) {
  let r = refs.get(template.name);
  if (!r) {
    const tree = pg.parseSync(template.render(SENTINEL[template.slot]));
    const path = findPath(tree, slotPredicate(template));
    if (!path) throw new Error(`pg oracle: no slot found in template ${template.name}`);
    r = { tree, path };
    refs.set(template.name, r);
  }
  return r;
}

/** Does the query hold a comment? Templates hold none, so any comment came from the input. */
function hasComment(query) {
  if (!pg) return false;
  try {
    return pg.scanSync(query).tokens.some((t) => t.tokenName === 'C_COMMENT' || t.tokenName === 'SQL_COMMENT');
  } catch {
    return false;
  }
}

/**
 * { attack: boolean, reason } for `payload` rendered into `template` as `rendered`,
 * or { attack: undefined, reason } when the parser is not available.
 */
function pgVerdict(template, payload, rendered) {
  if (!pg) return { attack: undefined, reason: loadError };
  let tree;
  try {
    tree = pg.parseSync(rendered);
  } catch (e) {
    return { attack: true, reason: `pg: does not parse (${String(e.message).slice(0, 60)})` };
  }
  const ref = reference(template);
  if (tree.stmts?.length !== 1) return { attack: true, reason: `pg: ${tree.stmts?.length} statements` };
  const same = sameShape(ref.tree, tree, ref.path, 0, (node) => acceptSlot(template, node, payload));
  if (!same) return { attack: true, reason: 'pg: parse tree differs from the template' };
  if (template.slot !== 'string' && hasComment(rendered)) return { attack: true, reason: 'pg: tree unchanged, input adds a comment' };
  return { attack: false, reason: 'pg: input is the slot value' };
}

module.exports = { init, pgVerdict, hasComment };
