'use strict';
// Express + better-sqlite3: a parameterized lookup whose input also appears in the SQL text
// check (the query contains a user-supplied literal), the realistic sink path.
const express = require('express');
const Database = require('better-sqlite3');
const db = new Database(':memory:');
db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)');
const insert = db.prepare('INSERT INTO users (name, email) VALUES (?, ?)');
for (let i = 0; i < 1000; i++) insert.run(`user${i}`, `user${i}@example.com`);
const app = express();
app.get('/users', (req, res) => {
  const name = String(req.query.name).replace(/'/g, "''");
  res.json(db.prepare(`SELECT id, name, email FROM users WHERE name = '${name}'`).all());
});
require('./listen')(app);
