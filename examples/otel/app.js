// Express + better-sqlite3, observed with OpenTelemetry and protected by rampart.
//   node --require ./examples/otel/otel.js --require rampart/register examples/otel/app.js
// Never deploy it: GET /users builds SQL by string concatenation on purpose.
'use strict';
const express = require('express');
const Database = require('better-sqlite3');

const db = new Database(process.env.DB_FILE || ':memory:');
db.exec('CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)');
if (db.prepare('SELECT COUNT(*) AS n FROM users').get().n === 0) {
  const insert = db.prepare('INSERT INTO users (name, email) VALUES (?, ?)');
  insert.run('alice', 'alice@example.com');
  insert.run('bob', 'bob@example.com');
}

const app = express();
// VULNERABLE: user input concatenated into SQL. rampart blocks the injection (403) and
// reports it as a `rampart.attack` log record inside this request's trace.
app.get('/users', (req, res) => {
  res.json(db.prepare(`SELECT id, name, email FROM users WHERE name = '${req.query.name}'`).all());
});

// SAFE: parameterized; never reported.
app.get('/users/safe', (req, res) => {
  res.json(db.prepare('SELECT id, name, email FROM users WHERE name = ?').all(String(req.query.name)));
});

app.get('/tables', (req, res) => {
  res.json(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name));
});

// The app's own error handler; rampart's 403 survives it.
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(500).json({ error: 'internal error' });
});

if (require.main === module) {
  const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ listening: server.address().port }) + '\n');
  });
}
module.exports = { app, db };
