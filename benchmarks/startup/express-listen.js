'use strict';
// An Express app's start: load Express, declare a route, listen; exit once listening, so
// the process's CPU time and peak memory are those of its time-to-listen.
const express = require('express');

const app = express();
app.use(express.json());
app.get('/', (_req, res) => res.send('ok'));
const server = app.listen(0, '127.0.0.1', () => {
  server.close();
  process.exit(0);
});
