'use strict';
// Express + pg pool against the local PostgreSQL server.
const express = require('express');
const { Pool } = require('pg');
// Idle connections are kept: with pg's default 10 s idle timeout the pool reconnected between
// rounds, and connection set-up landed in some variants' measurements and not in others.
const pool = new Pool({ host: '127.0.0.1', user: 'postgres', database: 'rampart_test', max: 8, idleTimeoutMillis: 0 });
const app = express();
app.get('/users', async (req, res, next) => {
  try {
    const name = String(req.query.name).replace(/'/g, "''");
    const { rows } = await pool.query(`SELECT id, name FROM rampart_bench_users WHERE name = '${name}'`);
    res.json(rows);
  } catch (error) {
    next(error);
  }
});
pool
  .query('CREATE TABLE IF NOT EXISTS rampart_bench_users (id SERIAL PRIMARY KEY, name TEXT)')
  .then(() => pool.query('SELECT COUNT(*)::int AS n FROM rampart_bench_users'))
  .then(({ rows }) => rows[0].n > 0 || pool.query("INSERT INTO rampart_bench_users (name) SELECT 'user' || g FROM generate_series(1, 1000) g"))
  .then(() => require('./listen')(app));
