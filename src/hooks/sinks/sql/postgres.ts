// postgres (postgres.js): tagged templates send their values as bind parameters; raw SQL
// enters only through sql.unsafe(text), which makes a Query whose text is used verbatim,
// run standalone or spliced into a tagged template as a fragment. Every sql instance
// (pools, sql.begin transactions, sql.reserve) makes the same Query class, and a Query
// executes once, lazily, through Query#handle (then/catch/finally/execute/cursor/forEach),
// so the hook sits there: a plain unsafe query is checked by its text; a tagged query is
// checked only when it contains an unsafe fragment, as the text the server will see
// (parameters shown as $n). Tagged queries without fragments cost one scan of their values.
// The package ships two builds with a Query class each: CommonJS (cjs/src/query.js, what
// require loads, hooked by path) and ES modules (src/query.js, what `import` loads).
// The tagged template needs no extension of the hook shape: whatever the template, the
// call ends in one method of one class (Query#handle), which the table names.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { currentContext } from '../../../context/store';
import { checksOn } from '../../../guard-gates';
import { sqlSinkDetector } from '../../../checks/sql';
import { declareHook } from '../../methods-hook';
import { checkSql } from './common';

// A Query does not lead to its connection or to the server's reports of
// standard_conforming_strings, so the setting is never known here: a query holding an input
// and a backslash is judged with backslash escapes too (pg-session.ts, docs/sql.md).
const detector = sqlSinkDetector('postgres', 'postgresql', ['postgres-backslash']);
const SINK = 'postgres.unsafe';
/** Fragments nest (a fragment holding fragments); deeper nesting is not composed. */
const MAX_DEPTH = 8;

interface PgQuery {
  tagged: boolean;
  strings: readonly string[];
  args: readonly unknown[];
  executed: boolean;
  reject(error: Error): void;
}

type QueryClass = new (...args: never[]) => PgQuery;
type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** True when a tagged query splices in an unsafe (untagged) fragment. */
function hasRawFragment(q: PgQuery, Query: QueryClass, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const args = q.args;
  for (let i = 0; i < args.length; i++) {
    const value = args[i];
    if (value instanceof Query) {
      if (!value.tagged || hasRawFragment(value, Query, depth + 1)) return true;
    } else if (Array.isArray(value) && value.length > 0 && value[0] instanceof Query) {
      for (const item of value) if (item instanceof Query && (!item.tagged || hasRawFragment(item, Query, depth + 1))) return true;
    }
  }
  return false;
}

/** The text postgres.js builds, with every non-fragment value shown as a `$n` parameter. */
function compose(q: PgQuery, Query: QueryClass, counter: { n: number }, depth: number): string {
  if (!q.tagged) return q.strings[0] ?? '';
  let text = q.strings[0] ?? '';
  for (let i = 1; i < q.strings.length; i++) {
    text += render(q.args[i - 1], Query, counter, depth) + q.strings[i];
  }
  return text;
}

function render(value: unknown, Query: QueryClass, counter: { n: number }, depth: number): string {
  if (depth < MAX_DEPTH && value instanceof Query) return compose(value, Query, counter, depth + 1);
  if (depth < MAX_DEPTH && Array.isArray(value) && value.length > 0 && value[0] instanceof Query) {
    return value.map((item) => render(item, Query, counter, depth + 1)).join(' ');
  }
  counter.n += 1;
  return `$${counter.n}`;
}

function sqlToCheck(q: PgQuery, Query: QueryClass): string | undefined {
  if (!q.tagged) return q.strings.length === 1 && typeof q.strings[0] === 'string' ? q.strings[0] : undefined;
  // Outside a request nothing is checked: skip even the scan of the tagged query's values.
  if (currentContext() === undefined) return undefined;
  return hasRawFragment(q, Query, 0) ? compose(q, Query, { n: 0 }, 0) : undefined;
}

function wrapHandle(Query: QueryClass) {
  return (original: AnyFn): AnyFn =>
    function handle(this: unknown) {
      const q = this as PgQuery;
      if (!q.executed) {
        const text = sqlToCheck(q, Query);
        const blocked = text === undefined ? undefined : checkSql(detector, SINK, text);
        if (blocked !== undefined) {
          // Mark it run so later then/cursor calls do not send it; the query's own promise
          // (or cursor) rejects, as with a server error.
          q.executed = true;
          q.reject(blocked);
          return Promise.resolve();
        }
      }
      // eslint-disable-next-line prefer-rest-params
      return original.apply(this, arguments as unknown as unknown[]);
    };
}

interface QueryModule {
  Query?: QueryClass;
}

const queryPrototype = (loaded: unknown): object | undefined => {
  const Query = (loaded as QueryModule | null)?.Query;
  return typeof Query === 'function' ? Query.prototype : undefined;
};

/** The CommonJS build's query module, hooked by path; the ESM hook applies it to its own copy. */
export const postgresHook = declareHook({
  module: 'postgres/cjs/src/query',
  versions: '3.x',
  targets: [{ at: queryPrototype, wrap: { handle: (original, loaded) => wrapHandle((loaded as { Query: QueryClass }).Query)(original) } }],
});

// The ES module build. import-in-the-middle wraps only the modules it is told to, by the
// specifier the app imports ('postgres'), not the package's own relative imports such as
// './query.js'; so the hook sits on the entry, which has loaded src/query.js by the time
// it runs, and applies the query module's declaration above to that module instance
// (require of an ES module hands back the one the loader already evaluated). Where
// require cannot load ES modules (Node before 20.19, or --no-experimental-require-module)
// the same instance comes from import(), a few microtasks later: before any request,
// though not before the app's own top-level code. The entry has no method of its own to
// wrap: its declaration is only this `also`, which the shape derives unpatch from too.
/** The ESM query module patched for each `postgres` default export, for unpatch. */
const esmQueryModules = new WeakMap<object, unknown>();

function patchEsmQueryModule(entry: unknown, basedir: string | undefined): void {
  if (basedir === undefined || (typeof entry !== 'function' && typeof entry !== 'object') || entry === null) return;
  const file = join(basedir, 'src', 'query.js');
  const use = (mod: unknown): void => {
    postgresHook.patch(mod);
    esmQueryModules.set(entry, mod);
  };
  let mod: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_REQUIRE_ESM') return;
    // Unless rampart was stopped in the meantime.
    import(pathToFileURL(file).href).then((late: unknown) => checksOn('sql_injection') && use(late), () => undefined);
    return;
  }
  use(mod);
}

function unpatchEsmQueryModule(entry: unknown): void {
  if ((typeof entry !== 'function' && typeof entry !== 'object') || entry === null) return;
  postgresHook.unpatch(esmQueryModules.get(entry));
  esmQueryModules.delete(entry);
}

export const postgresEsmHook = declareHook({
  module: 'postgres',
  esmOnly: true,
  versions: '3.x',
  targets: [],
  also: { patch: patchEsmQueryModule, unpatch: unpatchEsmQueryModule },
});
