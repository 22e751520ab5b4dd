// What require's cache holds, by package, read once at start: which hooked packages the app
// loaded before rampart started. Asking each hook entry against every cached file made
// entries x files string searches (100-odd entries over rampart's own 60 files in the
// smallest app), enough calls for V8 to optimize the search callbacks at every start (Maglev
// on Node 22+). One pass over the files instead (docs/performance.md, "The start-up floor").

const NODE_MODULES = '/node_modules/';

export interface LoadedPackages {
  /** Whether some cached file lies inside a package of this name, at any nesting depth. */
  holdsPackage(name: string): boolean;
  /**
   * The cached files whose path ends with `/node_modules/<tail>` (`mysql2/lib/base/connection.js`):
   * the part after the last `/node_modules/` is the tail.
   */
  filesEndingWith(tail: string): readonly string[];
}

/** `name` or `@scope/name` at `from` in `file`, or undefined when the path ends first. */
function packageAt(file: string, from: number): string | undefined {
  const first = file.indexOf('/', from);
  if (first === -1) return undefined;
  if (file.charCodeAt(from) !== 0x40 /* @ */) return file.slice(from, first);
  const second = file.indexOf('/', first + 1);
  return second === -1 ? undefined : file.slice(from, second);
}

export function indexLoadedPackages(files: readonly string[]): LoadedPackages {
  const packages = new Set<string>();
  const byTail = new Map<string, string[]>();
  for (const file of files) {
    let last = -1;
    for (let at = file.indexOf(NODE_MODULES); at !== -1; at = file.indexOf(NODE_MODULES, at + 1)) {
      last = at;
      const name = packageAt(file, at + NODE_MODULES.length);
      if (name !== undefined) packages.add(name);
    }
    if (last === -1) continue;
    const tail = file.slice(last + NODE_MODULES.length);
    const list = byTail.get(tail);
    if (list === undefined) byTail.set(tail, [file]);
    else list.push(file);
  }
  return {
    holdsPackage: (name) => packages.has(name),
    filesEndingWith: (tail) => byTail.get(tail) ?? [],
  };
}
