'use strict';
// Detector cost per check, separately for the no-match path (no input occurs in the
// payload: the common case) and the match path (an input occurs and the payload is tokenized).
const path = require('node:path');
const dist = path.join(__dirname, '..', '..', 'dist', 'detect');
const { detectSqlInjection } = require(path.join(dist, 'sql'));
const { detectShellInjection, detectArgumentInjection } = require(path.join(dist, 'shell'));
const { detectPathTraversal } = require(path.join(dist, 'path'));
const { classifyAddress, parseIpLiteral, findHostControllingInput } = require(path.join(dist, 'ssrf'));
const { measure } = require('../lib/measure');

const HEADERS = [
  ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'],
  ['accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
  ['accept-language', 'en-US,en;q=0.9'],
  ['host', 'shop.example.com'],
  ['referer', 'https://shop.example.com/products?page=2'],
];

/** n realistic inputs: headers first, then query/body values that do not occur in payloads. */
function inputs(n) {
  const out = HEADERS.map(([name, value]) => ({ source: 'headers', path: name, value }));
  for (let i = 0; out.length < n; i++) out.push({ source: 'query', path: `p${i}`, value: `value-${i}-${'x'.repeat(i % 7)}` });
  return out.slice(0, n);
}

/** A SELECT of roughly `bytes` bytes with a string literal that can hold the input. */
function query(bytes, literal) {
  let cols = 'id, name, email, created_at';
  while (cols.length < bytes - 120) cols += `, column_${cols.length} AS alias_${cols.length}`;
  return `SELECT ${cols} FROM customers c WHERE c.status = 'active' AND c.name = '${literal}' ORDER BY c.id LIMIT 50`;
}

const cases = [];
for (const dialect of ['sqlite', 'postgres', 'mysql']) {
  for (const [bytes, n] of [[100, 10], [1024, 10], [4096, 50]]) {
    // Payloads are built outside the timed function so only the detector is measured.
    const ins = inputs(n);
    const plain = query(bytes, 'alice');
    cases.push({ name: `sql ${dialect} ${bytes}B, ${n} inputs, no match`, fn: () => detectSqlInjection(plain, ins, dialect), batch: 1000, group: 'no-match' });
    const matchIns = [...ins.slice(0, n - 1), { source: 'query', path: 'name', value: 'alice smith' }];
    const withInput = query(bytes, 'alice smith');
    cases.push({ name: `sql ${dialect} ${bytes}B, ${n} inputs, match`, fn: () => detectSqlInjection(withInput, matchIns, dialect), batch: 10, group: 'match' });
  }
}

const shellIns = inputs(10);
const shellNoMatch = "convert /srv/uploads/photo.jpg -resize 800x600 -quality 85 /srv/thumbs/photo-800.jpg && echo 'done converting'".padEnd(200, ' ');
const shellMatchIns = [...shellIns.slice(0, 9), { source: 'query', path: 'file', value: 'holiday photo.jpg' }];
const shellMatch = "convert '/srv/uploads/holiday photo.jpg' -resize 800x600 -quality 85 '/srv/thumbs/holiday photo.jpg' && echo done".padEnd(200, ' ');
cases.push({ name: 'shell 200B, 10 inputs, no match', fn: () => detectShellInjection(shellNoMatch, shellIns), batch: 1000, group: 'no-match' });
cases.push({ name: 'shell 200B, 10 inputs, match (quoted)', fn: () => detectShellInjection(shellMatch, shellMatchIns), batch: 100, group: 'match' });
cases.push({ name: 'argv git, 10 inputs, no match', fn: () => detectArgumentInjection('git', ['log', '--oneline', '-n', '20'], shellIns), batch: 1000, group: 'no-match' });

const pathIns = inputs(10);
cases.push({ name: 'path, 10 inputs, no match', fn: () => detectPathTraversal('/srv/app/public/index.html', pathIns), batch: 1000, group: 'no-match' });
const pathMatchIns = [...pathIns.slice(0, 9), { source: 'query', path: 'file', value: 'reports/2024/q1.pdf' }];
cases.push({ name: 'path, 10 inputs, match (benign nested)', fn: () => detectPathTraversal('/srv/app/files/reports/2024/q1.pdf', pathMatchIns), batch: 1000, group: 'match' });

cases.push({ name: 'ssrf classifyAddress v4', fn: () => classifyAddress('10.1.2.3'), batch: 1000, group: 'ip' });
cases.push({ name: 'ssrf classifyAddress v6', fn: () => classifyAddress('fd00:ec2::254'), batch: 1000, group: 'ip' });
cases.push({ name: 'ssrf parseIpLiteral odd notation', fn: () => parseIpLiteral('0x7f.1'), batch: 1000, group: 'ip' });
cases.push({ name: 'ssrf host control, 10 inputs, no match', fn: () => findHostControllingInput({ hostname: 'api.partner.example', href: 'https://api.partner.example/v1' }, shellIns), batch: 1000, group: 'no-match' });
cases.push({ name: 'ssrf host control, IP destination, 10 inputs, no match', fn: () => findHostControllingInput({ hostname: '10.20.30.40', href: 'http://10.20.30.40:8080/v1' }, shellIns), batch: 1000, group: 'no-match' });

// As the agent's checks call them: with the memory of texts the app sent without input
// (detect/app-text.ts), which a no-match check feeds.
const { AppTextMemory } = require(path.join(dist, 'app-text'));
const memory = new AppTextMemory();
const plainPg1k = query(1024, 'alice');
const ins10 = inputs(10);
cases.push({ name: 'sql postgres 1024B, 10 inputs, no match, app-text memory', fn: () => detectSqlInjection(plainPg1k, ins10, 'postgres', { appTexts: memory }), batch: 1000, group: 'no-match' });
cases.push({ name: 'shell 200B, 10 inputs, no match, app-text memory', fn: () => detectShellInjection(shellNoMatch, shellIns, memory), batch: 1000, group: 'no-match' });
// Inputs with the traits that add search forms: blanks around, `<>`, non-ASCII letters.
const transformedIns = [...ins10.slice(0, 7), { source: 'query', path: 't', value: '  padded value ' }, { source: 'query', path: 'a', value: '<b>bold</b>' }, { source: 'query', path: 'u', value: 'Straße İstanbul' }];
cases.push({ name: 'sql postgres 1024B, 10 inputs with transformed forms, no match', fn: () => detectSqlInjection(plainPg1k, transformedIns, 'postgres'), batch: 1000, group: 'no-match' });

// First check of a request: a fresh inputs array of fresh objects, so nothing the detectors
// derive from inputs is reused yet. The figures include making the 10 inputs; 'make 10
// inputs' is that cost alone. Not gated: group 'first-check'.
const plain1k = query(1024, 'alice');
cases.push({ name: 'make 10 inputs (included in first-check cases)', fn: () => inputs(10), batch: 1000, group: 'first-check' });
cases.push({ name: 'sql postgres 1024B, 10 fresh inputs, no match', fn: () => detectSqlInjection(plain1k, inputs(10), 'postgres'), batch: 100, group: 'first-check' });
cases.push({ name: 'path, 10 fresh inputs, no match', fn: () => detectPathTraversal('/srv/app/public/index.html', inputs(10)), batch: 100, group: 'first-check' });
cases.push({ name: 'ssrf host control, 10 fresh inputs, no match', fn: () => findHostControllingInput({ hostname: 'api.partner.example', href: 'https://api.partner.example/v1' }, inputs(10)), batch: 100, group: 'first-check' });

async function runDetectors(options) {
  const results = await measure(cases, options);
  return results.map((r, i) => ({ ...r, group: cases[i].group }));
}

module.exports = { runDetectors };
