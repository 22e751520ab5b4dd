'use strict';
// Reads the shared payload corpora (../shared/corpora beside the project root) in place.
// Nothing here is copied into the project: every run reads the files afresh.
//
// A payload is what an application receives as one user input after its own decoding
// (query-string or form decoding, JSON parsing, XML entity decoding), because that is
// the value that reaches a sink and the value the agent sees as the input.

const fs = require('node:fs');
const path = require('node:path');

// RAMPART_CORPORA points elsewhere (a git worktree does not sit beside the shared folder).
const CORPORA_DIR = process.env.RAMPART_CORPORA || path.join(__dirname, '..', '..', 'shared', 'corpora');

function corporaAvailable() {
  return fs.existsSync(CORPORA_DIR) && fs.statSync(CORPORA_DIR).isDirectory();
}

// ---------------------------------------------------------------------------------
// URL decoding as an application sees it.

/** Percent-decoding with `+` as space (form / query-string decoding), lenient on bad escapes. */
function formDecode(s) {
  return percentDecode(s.replace(/\+/g, ' '));
}

/** Decodes %XX byte escapes as UTF-8; malformed escapes stay as they are (like most servers). */
function percentDecode(s) {
  if (s.indexOf('%') === -1) return s;
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Non-ASCII text in the corpus line: keep it as its UTF-8 bytes.
      const end = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? i + 2 : i + 1;
      for (const b of Buffer.from(s.slice(i, end), 'utf8')) bytes.push(b);
      i = end - 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function isHex(c) {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

// ---------------------------------------------------------------------------------
// libinjection data files.

/**
 * One payload per line. Mirrors libinjection's own test reader: right-trim, skip empty
 * lines and `#` comment lines, then URL-decode every line (`+` is a space).
 */
function readLibinjectionFile(file) {
  const text = fs.readFileSync(file, 'latin1');
  const out = [];
  const seen = new Set();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[\s]+$/, '');
    if (line.length === 0 || line[0] === '#') continue;
    // The files are bytes; re-read the line as UTF-8 after decoding escapes.
    const decoded = formDecode(Buffer.from(line, 'latin1').toString('utf8'));
    if (decoded.trim().length === 0 || seen.has(decoded)) continue;
    seen.add(decoded);
    out.push(decoded);
  }
  return out;
}

/** [{ file, label: 'attack'|'benign', payloads }] for the libinjection folder. */
function libinjectionSets() {
  const dir = path.join(CORPORA_DIR, 'libinjection');
  if (!fs.existsSync(dir)) return [];
  const sets = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith('.txt')) continue;
    const label = name === 'false_positives.txt' ? 'benign' : name.startsWith('sqli-') ? 'attack' : undefined;
    if (!label) continue;
    sets.push({ file: `libinjection/${name}`, label, payloads: readLibinjectionFile(path.join(dir, name)) });
  }
  return sets;
}

// ---------------------------------------------------------------------------------
// CRS go-ftw YAML tests.

let yamlLib;
function loadYaml() {
  if (yamlLib !== undefined) return yamlLib;
  try {
    // Present in node_modules through tap (tap-yaml); used read-only to parse test files.
    yamlLib = require('yaml');
  } catch {
    yamlLib = null;
  }
  return yamlLib;
}

// Request headers every CRS test carries; they are not payloads.
const BORING_HEADERS = new Set([
  'host', 'accept', 'accept-encoding', 'accept-language', 'accept-charset', 'content-type',
  'content-length', 'keep-alive', 'proxy-connection', 'connection', 'cache-control', 'x-ftw',
]);
const DEFAULT_USER_AGENT = 'OWASP CRS test agent';

/** Values of an `a=1&b=2` string, form-decoded; a part without `=` is a value of its own. */
function formValues(s) {
  const out = [];
  for (const part of s.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    if (eq === -1) out.push(formDecode(part));
    else out.push(formDecode(part.slice(eq + 1)));
  }
  return out;
}

const XML_ENTITIES = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
function xmlDecode(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
    }
    return XML_ENTITIES[e] ?? m;
  });
}

/** Attribute values and text nodes of a small XML document, entity-decoded. */
function xmlValues(s) {
  const out = [];
  for (const m of s.matchAll(/="([^"]*)"|='([^']*)'/g)) out.push(xmlDecode(m[1] ?? m[2]));
  for (const m of s.matchAll(/>([^<>]+)</g)) out.push(xmlDecode(m[1]));
  return out.filter((v) => !/^\s*$/.test(v) && !/^1\.0$/.test(v));
}

/** String values (and keys) of a JSON document. */
function jsonValues(s) {
  let doc;
  try {
    doc = JSON.parse(s);
  } catch {
    return [s];
  }
  const out = [];
  const walk = (v) => {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push(k);
        walk(x);
      }
    }
  };
  walk(doc);
  return out;
}

/** Part bodies of a multipart body (file contents and field values). */
function multipartValues(s, contentType) {
  const m = /boundary=([^;]+)/.exec(contentType);
  if (!m) return [s];
  const out = [];
  for (const part of s.split('--' + m[1])) {
    const sep = part.search(/\r?\n\r?\n/);
    if (sep === -1) continue;
    const headers = part.slice(0, sep);
    const body = part.slice(sep).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
    const fn = /filename="([^"]*)"/.exec(headers);
    if (fn) out.push(fn[1]);
    if (body.length > 0 && body !== '--') out.push(body);
  }
  return out;
}

function bodyValues(data, contentType) {
  let body = String(data);
  // YAML block scalars end with a newline that is not part of the request body's value.
  body = body.replace(/\n$/, '');
  const ct = (contentType || '').toLowerCase();
  if (ct.includes('json')) return jsonValues(body);
  if (ct.includes('xml') || /^\s*<\?xml|^\s*<[a-zA-Z]/.test(body)) return xmlValues(body);
  if (ct.startsWith('multipart/')) return multipartValues(body, contentType);
  if (ct.startsWith('text/plain')) return [body];
  if (/^\s*[{[]/.test(body)) return jsonValues(body);
  // Form-encoded (the default for a go-ftw POST) or a bare body.
  return body.includes('=') ? formValues(body) : [formDecode(body)];
}

function uriValues(uri) {
  const out = [];
  const q = uri.indexOf('?');
  const pathPart = q === -1 ? uri : uri.slice(0, q);
  // Path parameters: whatever follows the test server's /get or /post route.
  const rest = pathPart.replace(/^\/(get|post)(?=\/|$)/, '').replace(/^\//, '');
  if (rest.length > 0) out.push(percentDecode(rest));
  if (q !== -1) out.push(...formValues(uri.slice(q + 1)));
  return out;
}

function headerValues(headers) {
  const out = [];
  for (const [name, value] of Object.entries(headers || {})) {
    const lower = name.toLowerCase();
    if (BORING_HEADERS.has(lower)) continue;
    const v = String(value);
    if (lower === 'user-agent') {
      if (v !== DEFAULT_USER_AGENT) out.push(v);
    } else if (lower === 'cookie') {
      for (const c of v.split(';')) {
        const eq = c.indexOf('=');
        out.push(percentDecode((eq === -1 ? c : c.slice(eq + 1)).trim()));
      }
    } else {
      out.push(v);
    }
  }
  return out;
}

/** Payloads of one go-ftw test stage input, as the application would read them. */
function stagePayloads(input) {
  const headers = input.headers || {};
  const ct = headers['Content-Type'] ?? headers['content-type'] ?? '';
  const values = [];
  if (typeof input.uri === 'string') values.push(...uriValues(input.uri));
  if (input.data !== undefined && input.data !== null) values.push(...bodyValues(input.data, ct));
  values.push(...headerValues(headers));
  return values.filter((v) => typeof v === 'string' && v.trim().length > 0);
}

/**
 * [{ file, label, payloads }] for one CRS rule family folder (e.g. '942'). Tests that
 * carry `no_expect_ids` (and no `expect_ids`) form a separate benign set per file.
 * Returns undefined when the YAML parser is missing.
 */
function crsSets(family, filter) {
  const Y = loadYaml();
  const root = path.join(CORPORA_DIR, 'crs');
  if (!fs.existsSync(root)) return [];
  if (!Y) return undefined;
  const dir = fs.readdirSync(root).find((d) => d.startsWith(`REQUEST-${family}-`));
  if (!dir) return [];
  const sets = [];
  for (const name of fs.readdirSync(path.join(root, dir)).sort()) {
    if (!name.endsWith('.yaml')) continue;
    if (filter && !filter(name)) continue;
    let doc;
    try {
      doc = Y.parse(fs.readFileSync(path.join(root, dir, name), 'utf8'));
    } catch {
      continue; // an unreadable file is skipped, not fatal
    }
    const attack = new Set();
    const benign = new Set();
    for (const test of doc?.tests ?? []) {
      for (const stage of test.stages ?? []) {
        const input = stage.input ?? stage.stage?.input;
        const log = (stage.output ?? stage.stage?.output)?.log ?? {};
        if (!input) continue;
        const isBenign = log.no_expect_ids !== undefined && log.expect_ids === undefined;
        for (const p of stagePayloads(input)) (isBenign ? benign : attack).add(p);
      }
    }
    for (const p of attack) benign.delete(p);
    if (attack.size) sets.push({ file: `crs/${family}/${name}`, label: 'attack', payloads: [...attack] });
    if (benign.size) sets.push({ file: `crs/${family}/${name} (no_expect)`, label: 'benign', payloads: [...benign] });
  }
  return sets;
}

module.exports = {
  CORPORA_DIR,
  corporaAvailable,
  libinjectionSets,
  crsSets,
  formDecode,
  percentDecode,
  stagePayloads,
};
