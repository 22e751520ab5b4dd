'use strict';
// The SQL sinks a vulnerable application builds by string concatenation. Each template
// names the kind of slot the input is meant to fill; the oracles compare the rendered
// query against the same template filled with a harmless value of that kind.
//
// Every WHERE template goes on after the slot (`AND deleted_at IS NULL`), so an input that
// comments out the rest of the query changes its structure visibly, as it would in an
// app's `WHERE name = '…' AND password = '…'`. The trailing clause holds no constant, so
// SQLite cannot merge an input's constant with one of the template's.

const TAIL = ' AND deleted_at IS NULL';

/** PostgreSQL and SQLite quoting of a string literal body: double the quote. */
function escapeStandard(v) {
  return v.replace(/'/g, "''");
}

/** What mysql_real_escape_string does to a value (backslash escapes). */
function escapeMysql(v) {
  return v.replace(/[\0\n\r\x1a'"\\]/g, (c) => ({ '\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z', "'": "\\'", '"': '\\"', '\\': '\\\\' })[c]);
}

const TEMPLATES = [
  {
    name: 'string',
    slot: 'string',
    render: (v) => `SELECT id FROM users WHERE name = '${v}'${TAIL}`,
    literal: (v) => v,
  },
  {
    // The app escapes the value correctly: nothing should be flagged here.
    name: 'string-escaped',
    slot: 'string',
    escaped: true,
    render: (v) => `SELECT id FROM users WHERE name = '${v}'${TAIL}`,
    literal: (v) => v,
  },
  {
    name: 'numeric',
    slot: 'number',
    render: (v) => `SELECT id FROM users WHERE id = ${v}${TAIL}`,
  },
  {
    name: 'order-by',
    slot: 'identifier',
    render: (v) => `SELECT id FROM users ORDER BY ${v} LIMIT 10`,
  },
  {
    name: 'like',
    slot: 'string',
    render: (v) => `SELECT id FROM users WHERE name LIKE '%${v}%'${TAIL}`,
    literal: (v) => `%${v}%`,
  },
  {
    name: 'in-list',
    slot: 'list',
    render: (v) => `SELECT id FROM users WHERE id IN (${v})${TAIL}`,
  },
];

/** The query the app sends for `payload` in `template` on `dialect`. */
function renderFor(template, payload, dialect) {
  if (!template.escaped) return template.render(payload);
  return template.render(dialect === 'mysql' ? escapeMysql(payload) : escapeStandard(payload));
}

const SCHEMA = 'CREATE TABLE users (id INTEGER, name TEXT, active INTEGER, deleted_at TEXT)';

module.exports = { TEMPLATES, renderFor, SCHEMA };
