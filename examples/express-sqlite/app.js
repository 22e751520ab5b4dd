// A deliberately vulnerable Express app backed by an embedded SQLite database.
// Run it protected:   node --require rampart/register examples/express-sqlite/app.js
// Never deploy it: /users and /notes build SQL by string concatenation on purpose.
'use strict';
const express = require('express');
const Database = require('better-sqlite3');

const db = new Database(process.env.DB_FILE || ':memory:');
db.exec(`
  CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
`);
if (db.prepare('SELECT COUNT(*) AS n FROM users').get().n === 0) {
  const insert = db.prepare('INSERT INTO users (name, email) VALUES (?, ?)');
  insert.run('alice', 'alice@example.com');
  insert.run('bob', 'bob@example.com');
  insert.run("o'brien", 'obrien@example.com');
}

const app = express();
app.use(express.json());

// VULNERABLE: user input concatenated into SQL.
app.get('/users', (req, res) => {
  const rows = db.prepare(`SELECT id, name, email FROM users WHERE name = '${req.query.name}'`).all();
  res.json(rows);
});

// VULNERABLE: numeric slot and stacked statements through exec().
app.post('/notes', (req, res) => {
  db.exec(`INSERT INTO notes (body) VALUES ('${req.body.note}')`);
  res.status(201).json({ ok: true });
});

app.get('/notes/count', (req, res) => {
  res.json(db.prepare('SELECT COUNT(*) AS n FROM notes').get());
});

// SAFE: parameterized.
app.get('/users/safe', (req, res) => {
  res.json(db.prepare('SELECT id, name, email FROM users WHERE name = ?').all(String(req.query.name)));
});

app.get('/tables', (req, res) => {
  res.json(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name));
});

// The app's own error handler: rampart's 403 must survive it.
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(500).json({ error: 'internal error', detail: err.message });
});

if (require.main === module) {
  const server = app.listen(Number(process.env.PORT || 3000), '127.0.0.1', () => {
    const { port } = server.address();
    process.stdout.write(JSON.stringify({ listening: port }) + '\n');
  });
}
module.exports = { app, db };
