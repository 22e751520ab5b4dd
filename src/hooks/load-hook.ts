// Hands the instrumentation each CommonJS module of a hooked package as Node loads it.
//
// It wraps Module.prototype.load, which Node calls once per file it loads (require,
// require(esm)'s CommonJS dependencies, and `import` of a CommonJS file), not once per
// require call: an app's many requires of cached modules cost nothing, and a file outside
// node_modules costs one string search. It is rampart's own rather than
// require-in-the-middle, which loads `debug` (and through it tty, net and supports-color)
// into every process at start-up (docs/performance.md, "Start-up").
//
// Matching follows require-in-the-middle's rules: a hook on a package (`pg`) or on one of
// its entry points (`mariadb/callback`, mapped by "exports" to `dist/callback.cjs`) applies
// to the file that id resolves to from inside the package; a hook on a file
// (`mysql2/lib/base/connection`) to that file, with or without `.js`/`/index.js`.
import { packageName } from './package-name';
import Module from 'node:module';
import { sep } from 'node:path';
import { contextStore } from '../context/store';

/** Called with a loaded module's exports; returns the exports to hand out (maybe replaced). */
export type OnLoad = (exports: unknown, name: string, basedir: string) => unknown;

interface LoadingModule {
  exports: unknown;
}
type Load = (this: LoadingModule, filename: string) => void;

const NODE_MODULES = `${sep}node_modules${sep}`;
/** `/index` and `.js`/`.cjs` at the end of a file's path inside its package. */
const INDEX_OR_EXTENSION = /(\/index)?(\.c?js)?$/;

export class LoadHook {
  private readonly original: Load;
  private readonly installed: Load;
  private active = true;
  /** Package -> the hooked ids in it; also the one lookup most files get. */
  private readonly packages = new Map<string, string[]>();
  /** `basedir\0id` -> the file the id resolves to there (undefined if it does not resolve). */
  private readonly entries = new Map<string, string | undefined>();

  constructor(
    private readonly names: ReadonlySet<string>,
    private readonly onLoad: OnLoad,
  ) {
    for (const name of names) {
      const pkg = packageName(name);
      this.packages.set(pkg, [...(this.packages.get(pkg) ?? []), name]);
    }
    const proto = Module.prototype as unknown as { load: Load };
    const original = proto.load;
    const hook = this;
    this.original = original;
    this.installed = function load(this: LoadingModule, filename: string): void {
      // eslint-disable-next-line prefer-rest-params
      original.apply(this, arguments as unknown as [string]);
      if (hook.active && typeof filename === 'string') hook.loaded(this, filename);
    };
    proto.load = this.installed;
  }

  /** Restores Module.prototype.load, or steps aside if another tool wrapped it since. */
  unhook(): void {
    this.active = false;
    const proto = Module.prototype as unknown as { load: Load };
    if (proto.load === this.installed) proto.load = this.original;
  }

  private loaded(module: LoadingModule, filename: string): void {
    const at = filename.lastIndexOf(NODE_MODULES);
    if (at === -1) return;
    const inside = filename.slice(at + NODE_MODULES.length).split(sep);
    const scoped = inside[0]!.startsWith('@');
    const pkg = scoped ? `${inside[0]}/${inside[1]}` : inside[0]!;
    const ids = this.packages.get(pkg);
    if (ids === undefined) return;
    const basedir = filename.slice(0, at + NODE_MODULES.length) + pkg.split('/').join(sep);
    const file = inside.slice(scoped ? 2 : 1).join('/').replace(INDEX_OR_EXTENSION, '');
    let name: string | undefined;
    if (file !== '' && this.names.has(`${pkg}/${file}`)) name = `${pkg}/${file}`;
    else name = ids.find((id) => this.entryOf(basedir, id) === filename);
    if (name === undefined) return;
    const patched = this.onLoad(module.exports, name, basedir);
    if (patched !== module.exports) module.exports = patched;
  }

  /** The file `id` resolves to from the package directory, as the app's require would. */
  private entryOf(basedir: string, id: string): string | undefined {
    const key = `${basedir}\0${id}`;
    if (this.entries.has(key)) return this.entries.get(key);
    let entry: string | undefined;
    try {
      // Outside any request context: resolving reads the package's files through fs.
      entry = contextStore.exit(() => require.resolve(id, { paths: [basedir] }));
    } catch {
      entry = undefined; // no such entry (a file the package's "exports" do not expose)
    }
    this.entries.set(key, entry);
    return entry;
  }
}

