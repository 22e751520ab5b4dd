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
import { packageName } from '../hooks/package-name';
import { indexLoadedPackages } from '../hooks/loaded-packages';

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
  // Indexed once by package (one pass over the files), not searched per name and file: an
  // app's cache holds hundreds of files and rampart hooks a hundred-odd packages.
  const files = input.requiredFiles.map(toSlashes);
  const withScripts = indexLoadedPackages(files.filter((file) => !file.endsWith('.node')));
  const candidates = input.packages.filter((name) => {
    if (input.patched.has(name)) return false;
    // Any of its JavaScript files in require's cache: it loaded through require, hooked.
    return !withScripts.holdsPackage(name);
  });
  if (candidates.length === 0) return [];
  const marked = markedPackages(input.source, candidates);
  const withAny = indexLoadedPackages(files);
  return candidates.filter((name) => marked.has(name) || withAny.holdsPackage(name));
}

/** Windows paths as `/` paths, so one index reads both. */
function toSlashes(file: string): string {
  return file.includes('\\') ? file.replaceAll('\\', '/') : file;
}

const NODE_MODULES = 'node_modules/';
// Longest path tail looked at after `node_modules/`; module paths are far shorter.
const MAX_TAIL = 512;

/**
 * The `names` that appear in a path token `…node_modules/<name>/<file>.js` (or .cjs, .mjs,
 * .json) in `source`. One pass over the text, whatever the number of names.
 */
export function markedPackages(source: string, names: readonly string[]): Set<string> {
  const wanted = new Set(names);
  const found = new Set<string>();
  for (let at = source.indexOf(NODE_MODULES); at !== -1 && found.size < wanted.size; at = source.indexOf(NODE_MODULES, at + NODE_MODULES.length)) {
    if (at > 0 && !PATH_START.has(source.charCodeAt(at - 1))) continue; // e.g. `my_node_modules/pg/`
    const start = at + NODE_MODULES.length;
    const limit = Math.min(source.length, start + MAX_TAIL);
    let end = start;
    while (end < limit && !TOKEN_END.has(source.charCodeAt(end))) end++;
    const tail = source.slice(start, end); // `pg/lib/client.js`, `@scope/name/index.js`
    const name = packageName(tail);
    // A nested `.pnpm/pg@8/node_modules/pg/…` is met again at its inner node_modules/.
    if (wanted.has(name) && tail.length > name.length + 1 && tail.charCodeAt(name.length) === 0x2f && isScriptFile(tail)) found.add(name);
  }
  return found;
}

const codes = (chars: string): Set<number> => new Set([...chars].map((c) => c.charCodeAt(0)));
/** What may stand before `node_modules/` in a marker: a path separator, a quote, a space. */
const PATH_START = codes('/\\ \t"\'`]![');
/** What ends a marker's path. */
const TOKEN_END = codes(' \t\r\n"\'`*),;:!?<>{}()[]');

function isScriptFile(path: string): boolean {
  return path.endsWith('.js') || path.endsWith('.cjs') || path.endsWith('.mjs') || path.endsWith('.json');
}
