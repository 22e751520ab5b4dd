'use strict';
// Loads the built detectors from dist/ without letting a missing or broken one stop the
// evaluation: each loader returns { fn } or { error } and each call returns a verdict
// object instead of throwing.

const path = require('node:path');

const DIST = path.join(__dirname, '..', 'dist', 'detect');

function load(rel, names) {
  try {
    const mod = require(path.join(DIST, rel));
    const missing = names.filter((n) => typeof mod[n] !== 'function');
    if (missing.length) return { error: `dist/detect/${rel} does not export ${missing.join(', ')}` };
    return { mod };
  } catch (e) {
    return { error: `dist/detect/${rel} could not be loaded (${e.code || e.message}); run npm run build` };
  }
}

/** One user input the way the agent's context would present it. */
function input(value) {
  return [{ source: 'query', path: 'q', value }];
}

/**
 * Runs `call` and turns its outcome into { flagged, rule } or { error }. A detector
 * that throws is reported (as an error count), never allowed to end the run.
 */
function verdict(call) {
  try {
    const d = call();
    return d ? { flagged: true, rule: d.rule ?? 'flagged' } : { flagged: false };
  } catch (e) {
    return { error: String(e && e.message ? e.message : e).slice(0, 200) };
  }
}

module.exports = { load, input, verdict };
