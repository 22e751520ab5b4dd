'use strict';
// Path traversal: CRS 930 payloads (as the app reads them: URL-decoded once by its query
// or body parser) put under a base directory the three ways apps build file paths.
//
// Ground truth from Node's own path module on this (POSIX) platform: the input is an
// attack iff it holds a NUL byte (fs calls reject or truncate it), or it controls the
// start of the path (path.resolve(base, p) with an absolute p: the base is dropped), or
// the built path, resolved, is outside the base directory. Backslashes are ordinary file
// name characters on POSIX, and a second round of percent-decoding does not happen here,
// so `..\\..\\x` and `%2e%2e%2f` are not traversals for this app.

const nodePath = require('node:path');
const corpora = require('./corpora');
const { load, input, verdict } = require('./detectors');
const { Tally, MistakeLog, outcomeOf } = require('./tally');

const BASE = '/srv/app/uploads';

const TEMPLATES = [
  { name: 'path.join(base, p)', build: (p) => nodePath.join(BASE, p) },
  { name: "base + '/' + p", build: (p) => `${BASE}/${p}` },
  { name: 'path.resolve(base, p)', build: (p) => nodePath.resolve(BASE, p) },
];

function inside(dir, target) {
  const rel = nodePath.relative(dir, target);
  // `..foo` is a file name inside dir; only a `..` segment leaves it.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${nodePath.sep}`) && !nodePath.isAbsolute(rel));
}

function oracle(template, payload, built) {
  if (payload.includes('\0')) return { attack: true, reason: 'NUL byte in the path' };
  if (template.name.startsWith('path.resolve') && nodePath.isAbsolute(payload)) return { attack: true, reason: 'input is an absolute path: it chooses the file' };
  const resolved = nodePath.resolve(built);
  if (!inside(BASE, resolved)) return { attack: true, reason: `resolves outside the base (${resolved.slice(0, 40)})` };
  return { attack: false, reason: `stays under the base (${nodePath.relative(BASE, resolved).slice(0, 40) || '.'})` };
}

async function run() {
  const notes = [];
  const sets = corpora.crsSets('930');
  if (sets === undefined) notes.push('CRS 930 skipped: the `yaml` package is not installed');
  const det = load('path', ['detectPathTraversal']);
  if (det.error) notes.push(`detector: ${det.error}`);
  const tally = new Tally();
  const mistakes = new MistakeLog();
  let cases = 0;
  for (const set of sets ?? []) {
    for (const payload of set.payloads) {
      for (const t of TEMPLATES) {
        const built = t.build(payload);
        const o = oracle(t, payload, built);
        const d = det.mod ? verdict(() => det.mod.detectPathTraversal(built, input(payload), {})) : { error: det.error };
        const outcome = outcomeOf(o.attack, d);
        tally.add({ file: set.file, label: set.label, template: t.name }, outcome);
        mistakes.note(outcome, { file: set.file, payload, template: t.name, why: o.reason, rule: d.rule ?? d.error });
        cases++;
      }
    }
  }
  return { name: 'path', title: `Path traversal (detectPathTraversal), base ${BASE}`, tally, mistakes, notes, cases, labelFields: ['template'] };
}

module.exports = { run };

if (require.main === module) {
  require('./run')
    .main(['path'])
    .finally(() => process.exit(0));
}
