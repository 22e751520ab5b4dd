// Pure part of the inlined-package check: which hooked packages a bundle carries inside
// itself while no copy of them was loaded through require (so no hook ever ran on them).
//
// Two signs, read from what is already there:
// - a bundler's module marker in the entry file's text: a path to a JavaScript file inside
//   the package, as esbuild writes in its `// node_modules/pg/lib/client.js` comments,
//   webpack in development module ids (`"./node_modules/pg/lib/client.js"`) and Turbopack
//   in its `[project]/node_modules/pg/...` ids. Minified bundles drop these.
// - the package's native addon (`.node`) in require's cache without any of its JavaScript
//   files: the addon is always required at run time, even from a minified bundle.

export interface InlinedInput {
  /** The entry file's text. */
  readonly source: string;
  /** Hooked package names. */
  readonly packages: readonly string[];
  /** Files in require's cache. */
  readonly requiredFiles: readonly string[];
  /** Packages a hook patched (through require or import). */
  readonly patched: ReadonlySet<string>;
}

export function inlinedPackages(input: InlinedInput): string[] {
  const found: string[] = [];
  for (const name of input.packages) {
    if (input.patched.has(name)) continue;
    const files = input.requiredFiles.filter((file) => isInsidePackage(file, name));
    if (files.some((file) => !file.endsWith('.node'))) continue; // loaded through require: hooked
    if (files.length > 0 || hasBundlerMarker(input.source, name)) found.push(name);
  }
  return found;
}

function isInsidePackage(file: string, name: string): boolean {
  return file.includes(`/node_modules/${name}/`) || file.includes(`\\node_modules\\${name.replace('/', '\\')}\\`);
}

// Longest path tail looked at after `node_modules/<name>/`; module paths are far shorter.
const MAX_TAIL = 512;

/** A path token `…node_modules/<name>/<file>.js` (or .cjs, .mjs, .json) somewhere in `source`. */
export function hasBundlerMarker(source: string, name: string): boolean {
  const needle = `node_modules/${name}/`;
  for (let at = source.indexOf(needle); at !== -1; at = source.indexOf(needle, at + needle.length)) {
    if (at > 0 && !PATH_START.has(source.charCodeAt(at - 1))) continue; // e.g. `my_node_modules/pg/`
    let end = at + needle.length;
    const limit = Math.min(source.length, end + MAX_TAIL);
    while (end < limit && !TOKEN_END.has(source.charCodeAt(end))) end++;
    if (isScriptFile(source.slice(at + needle.length, end))) return true;
  }
  return false;
}

const codes = (chars: string): Set<number> => new Set([...chars].map((c) => c.charCodeAt(0)));
/** What may stand before `node_modules/` in a marker: a path separator, a quote, a space. */
const PATH_START = codes('/\\ \t"\'`]![');
/** What ends a marker's path. */
const TOKEN_END = codes(' \t\r\n"\'`*),;:!?<>{}()[]');

function isScriptFile(path: string): boolean {
  return path.endsWith('.js') || path.endsWith('.cjs') || path.endsWith('.mjs') || path.endsWith('.json');
}
