// rampart's own code must not be a way in: no eval, no Function constructor, no vm, and
// no require()/import() of anything but a literal module name (configuration never picks
// code to load). Comments and string contents are stripped before matching, so the words
// may appear in documentation. The configuration file is read with JSON.parse only
// (test/config/config.test.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import t from 'tap';

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

/**
 * Non-literal module loads that are reviewed and allowed, with why. Anything else fails.
 * Key: file relative to the repository root, and the call as written.
 */
const REVIEWED = new Map<string, string>([
  ['src/hooks/instrument.ts|require(`node:${hook.module}`)', 'builtin names come from the hook registry in src/hooks/index.ts (code), never from configuration'],
  ['src/hooks/instrument.ts|require(entry.module)', "a `node:` builtin named in the hook registry in src/hooks/index.ts (code), loaded only when Node's own module list shows the app loaded it already; never from configuration"],
  ['src/hooks/deferred-builtins.ts|require(`node:${name}`)', 'a builtin named in DEFERRABLE_BUILTINS in the same file (code: https, http2, child_process), loaded when the app first asks for it; never from configuration'],
  ['src/hooks/builtin-load-hook.ts|require(this: unknown, id: string)', "not a load: the wrapper of Module.prototype.require, named so, which calls the app's own require with the app's own id"],
  ["src/hooks/sources/ws.ts|require(join(basedir, 'lib', 'websocket-server.js')", "the ws package directory require-in-the-middle / import-in-the-middle resolved for the app's own import, plus a fixed file name; never from configuration"],
  ['src/hooks/sinks/sql/postgres.ts|require(file)', "join(basedir, 'src', 'query.js'): the postgres package directory import-in-the-middle resolved for the app's own import, plus a fixed file name; never from configuration"],
  ['src/hooks/sinks/sql/postgres.ts|import(pathToFileURL(file)', 'the same fixed file of the postgres package, on Node versions without require() of ES modules'],
  ['src/start-pack.ts|require(id: string)', "not a load: the `require` a packed module's code is given (as Node's makeRequireFunction makes it), which passes the id to that module's own `require` above"],
  ['src/start-pack.ts|require(this: LoaderModule, id: string)', "not a load: the `require` of a module taken from the start pack, named so, which loads the module's own packed files from rampart's dist/ and passes every other id to Module#require unchanged"],
  ['src/report/app-modules.ts|require(p)', "the file require.resolve returned for a fixed package id (@opentelemetry/api, @opentelemetry/api-logs, from src/report); never from configuration or input"],
]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

/** The source with comments removed and string/template contents blanked (quotes kept). */
function codeOnly(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
      continue;
    }
    if (c === "'" || c === '"') {
      out += c;
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\') i++;
        i++;
      }
      out += c;
      i++;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

const sources = files(SRC).map((file) => ({ file: relative(ROOT, file), text: readFileSync(file, 'utf8') }));

/**
 * The one file allowed node:vm: it compiles rampart's own start files, read from the start
 * pack in rampart's dist/ folder, with V8's code cache, as Node's loader would compile them
 * from the same folder. Nothing it compiles comes from a request, the configuration or the app.
 */
const VM_ALLOWED = 'src/start-cache.ts';

t.test('no eval, Function constructor or vm in src', async (t) => {
  t.ok(sources.length > 50, `${sources.length} source files scanned`);
  const forbidden = [/\beval\s*\(/, /\bnew\s+Function\s*\(/, /(?<![\w.])Function\s*\(/, /\bnode:vm\b|['"]vm['"]/, /\bsetTimeout\s*\(\s*['"`]/, /\bsetInterval\s*\(\s*['"`]/];
  t.ok(sources.some(({ file }) => file === VM_ALLOWED), `${VM_ALLOWED} exists (the exception is not stale)`);
  for (const { file, text } of sources) {
    // `vm` as a module name sits in a string literal, which codeOnly blanks: check the raw imports too.
    const code = codeOnly(text);
    for (const pattern of forbidden) {
      if (file === VM_ALLOWED && pattern.source.includes('vm')) continue;
      const inCode = pattern.test(code);
      const imported = pattern.source.includes('vm') && /(?:from|require\()\s*['"](?:node:)?vm['"]/.test(text);
      if (inCode || imported) t.fail(`${file}: ${pattern}`);
    }
  }
  t.pass('none found');
});

t.test('require() and import() only with literal module names, or reviewed', async (t) => {
  let loads = 0;
  for (const { file, text } of sources) {
    // Dynamic import(...) (not `typeof import('x')` types) and require(...).
    for (const m of text.matchAll(/(?<![\w.$])(require|import)\s*\(\s*([^)]*)\)/g)) {
      const before = text.slice(Math.max(0, m.index! - 7), m.index);
      if (m[1] === 'import' && /typeof\s*$/.test(before)) continue;
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      const line = text.slice(lineStart, text.indexOf('\n', m.index));
      if (/^\s*(\/\/|\*)/.test(line)) continue; // in a comment
      loads++;
      const arg = m[2]!.trim();
      if (/^(['"])[^'"`$]+\1$/.test(arg)) continue; // a literal module name
      const key = `${file}|${m[0]}`;
      if (REVIEWED.has(key)) t.pass(`${key}: ${REVIEWED.get(key)}`);
      else t.fail(`${file}: module loaded from a computed name: ${m[0]}`);
    }
  }
  t.ok(loads > 0, `${loads} module loads checked`);
});

t.test('the reviewed list is not stale', async (t) => {
  for (const key of REVIEWED.keys()) {
    const [file, call] = key.split('|') as [string, string];
    t.ok(sources.find((s) => s.file === file)?.text.includes(call), `${key} still exists`);
  }
});
