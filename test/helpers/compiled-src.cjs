// Preloaded into every test process (.taprc node-arg). Test files import rampart from
// ../src/*.ts; compiling those ~150 files through ts-node costs each test process about 3 s
// of CPU, which over ~180 files was most of the suite's time. When dist/ is a build of the
// current src/ (every src/*.ts older than its dist/*.js, as `npm test` leaves it after its
// build step), src/X.ts resolves to dist/X.js instead: the same code, as shipped, compiled
// once. When any source is newer than its build (an edit without `npm run build`), or with
// TEST_FROM_SRC=1 (coverage of src/), nothing is redirected and ts-node compiles src/.
// All or nothing, so a module is never loaded twice (once per tree) in one process.
'use strict';
const Module = require('node:module');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, sep } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src') + sep;
const DIST = join(ROOT, 'dist') + sep;

/** dist/ holds a build at least as new as every .ts file under src/. */
function distIsCurrent() {
  const walk = (dir) => {
    for (const entry of readdirSync(join(SRC, dir), { withFileTypes: true })) {
      const rel = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!walk(rel)) return false;
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const built = join(DIST, rel.slice(0, -3) + '.js');
        if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(SRC, rel)).mtimeMs) return false;
      }
    }
    return true;
  };
  try {
    return walk('');
  } catch {
    return false;
  }
}

if (process.env.TEST_FROM_SRC !== '1' && distIsCurrent()) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const found = resolve.call(this, request, ...rest);
    if (typeof found === 'string' && found.startsWith(SRC) && found.endsWith('.ts')) {
      const built = DIST + found.slice(SRC.length, -3) + '.js';
      if (existsSync(built)) return built;
    }
    return found;
  };
}
