'use strict';
// Express hello route: the cost of carrying rampart on a request that reaches no sink.
const express = require('express');
const app = express();
app.get('/hello', (req, res) => res.json({ hello: req.query.name || 'world' }));
require('./listen')(app);
