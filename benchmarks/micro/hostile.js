'use strict';
// Hostile requests built to make one SQL check as slow as possible: each targets a part of
// the detector whose cost does not depend on the query's length alone. large-request.js runs
// them under the default work budget; the slowest gives the bound on a check's CPU.
//
// Every shape has thousands of distinct inputs (each distinct value is searched once) and a
// query of about 200 KB, the size of a large bulk statement.

const PAIRS = 'ab'.repeat(100_000);
const input = (i, value) => ({ source: 'body', path: `k${i}`, value });

const HOSTILE_SHAPES = [
  {
    // Every input occurs at every other position of the query: each occurrence is judged.
    name: 'periodic inputs found everywhere',
    build: () => ({
      query: `SELECT * FROM t WHERE x = '${PAIRS}'`,
      inputs: Array.from({ length: 5000 }, (_, i) => input(i, 'ab'.repeat(20 + i))),
    }),
  },
  {
    // Every pair of characters of each input is common in the query, so the pair index
    // cannot narrow the search, and none occurs: each is a full scan of the query.
    name: 'common pairs, no occurrence',
    build: () => ({
      query: `SELECT * FROM t WHERE x = '${PAIRS}' AND y = 'bx' AND z = 'xa'`,
      inputs: Array.from({ length: 5000 }, (_, i) => input(i, `${'ab'.repeat(20 + (i % 3000))}x${i}`)),
    }),
  },
  {
    // Long inputs whose one rare pair sits where a candidate must be compared almost whole.
    name: 'long inputs, rare pair at the end',
    build: () => ({
      query: `SELECT * FROM t WHERE x = '${PAIRS}' AND y = 'bxa'`,
      inputs: Array.from({ length: 5000 }, (_, i) => input(i, `${'ab'.repeat(200 + i)}xab`)),
    }),
  },
  {
    // A query below the indexing threshold searched for 100,000 inputs.
    name: '100,000 inputs, short query',
    build: () => ({
      query: `SELECT * FROM t WHERE x = '${'a'.repeat(2000)}'`,
      inputs: Array.from({ length: 100_000 }, (_, i) => input(i, `${'a'.repeat(1 + (i % 1000))}b${i}`)),
    }),
  },
  {
    // Inputs with quotes: each is also searched in its escaped forms.
    name: 'quoted inputs in escaped text',
    build: () => ({
      query: `SELECT * FROM t WHERE x = '${"a''".repeat(60_000)}'`,
      inputs: Array.from({ length: 5000 }, (_, i) => input(i, "a'".repeat(20 + i))),
    }),
  },
];

module.exports = { HOSTILE_SHAPES };
