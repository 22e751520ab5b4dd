// A copy of the project for one Node line, with native addons built for that line's ABI.
// The original tree (and its node_modules, which other runs and the default Node use) is
// only read: dependencies are copied, never rebuilt in place, and addons that already load
// on the target Node (N-API ones such as sqlite3) are left as installed.
const { execFileSync, spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

/** Every node_modules folder of the project outside other node_modules (root and nested fixtures). */
function nodeModulesDirs(root) {
  const found = [];
  const walk = (dir, depth) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.name === '.tap') continue;
      const path = join(dir, entry.name);
      if (entry.name === 'node_modules') found.push(path);
      else if (entry.isDirectory() && depth < 4) walk(path, depth + 1);
    }
  };
  walk(root, 0);
  return found;
}

/**
 * Fresh copy of the project at `dest`: sources, built dist/, and every node_modules as hard
 * links (a real copy of ~1 GB took minutes on a busy machine; links take seconds). Nothing in
 * a line run writes into an existing dependency file: an addon rebuild deletes the package's
 * build/ folder (unlinking the copy's names only) and writes new files. A real copy is the
 * fallback where links cannot be made (another filesystem).
 */
function copyProject(root, dest) {
  execFileSync('rm', ['-rf', dest]); // several times faster than fs.rmSync on a node_modules tree
  mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-C', root, '--exclude=./.git', '--exclude=node_modules', '--exclude=./.tap', '--exclude=./coverage', '-cf', join(dest, '.project.tar'), '.']);
  execFileSync('tar', ['-C', dest, '-xf', join(dest, '.project.tar')]);
  rmSync(join(dest, '.project.tar'));
  for (const dir of nodeModulesDirs(root)) {
    // node_modules may be a symlink to a shared install: copy what it points to.
    const from = `${realpathSync(dir)}/.`;
    const to = join(dest, relative(root, dir));
    try {
      execFileSync('cp', ['-al', from, to], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch {
      execFileSync('rm', ['-rf', to]);
      execFileSync('cp', ['-a', from, to]);
    }
  }
}

/** Packages with a node-gyp build (binding.gyp plus built .node files) under a node_modules tree. */
function nativePackages(nodeModules) {
  const found = [];
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('@')) {
        visit(path);
        continue;
      }
      if (existsSync(join(path, 'binding.gyp')) && existsSync(join(path, 'build', 'Release'))) found.push(path);
      visit(join(path, 'node_modules'));
    }
  };
  visit(nodeModules);
  return found;
}

/** Whether one of a package's addons was built for another Node ABI (NODE_MODULE_VERSION). */
function builtForOtherAbi(node, pkgDir) {
  const release = join(pkgDir, 'build', 'Release');
  const addons = readdirSync(release).filter((f) => f.endsWith('.node')).map((f) => join(release, f));
  const probe = `for (const f of ${JSON.stringify(addons)}) { try { process.dlopen({ exports: {} }, f); } catch (e) { if (/NODE_MODULE_VERSION/.test(e.message)) process.exit(3); } }`;
  return spawnSync(node, ['-e', probe], { stdio: 'ignore' }).status === 3;
}

/** node-gyp as bundled with the npm on PATH. */
function nodeGypScript() {
  const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  const candidates = [join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), join(dirname(realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim())), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) throw new Error(`node-gyp not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Rebuilds the copy's addons that do not load on `nodeDir`'s Node, from source against its
 * headers (no prebuilt download), caching each build per ABI and package version.
 */
function rebuildAddons(copyRoot, nodeDir, cacheDir, log) {
  const node = join(nodeDir, 'bin', 'node');
  const abi = execFileSync(node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
  const rebuilt = [];
  for (const nm of nodeModulesDirs(copyRoot)) {
    for (const pkgDir of nativePackages(nm)) {
      if (!builtForOtherAbi(node, pkgDir)) continue;
      const { name, version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
      const cached = join(cacheDir, 'addons', `abi${abi}`, `${name.replace('/', '+')}@${version}`);
      const build = join(pkgDir, 'build');
      rmSync(build, { recursive: true, force: true });
      if (existsSync(join(cached, 'Release'))) {
        cpSync(cached, build, { recursive: true });
        log(`${name}@${version}: cached build for ABI ${abi}`);
      } else {
        log(`${name}@${version}: building for ABI ${abi} (node-gyp, headers from ${nodeDir})`);
        // Compiler output only when the build fails: warnings from dependencies are noise in CI.
        const gyp = spawnSync(node, [nodeGypScript(), 'rebuild', '--release', `--nodedir=${nodeDir}`, '--jobs=2'], { cwd: pkgDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}` } });
        if (gyp.status !== 0) throw new Error(`node-gyp rebuild of ${name}@${version} failed:\n${gyp.stdout}\n${gyp.stderr}`);
        rmSync(cached, { recursive: true, force: true });
        mkdirSync(dirname(cached), { recursive: true });
        // Only the products: intermediate objects are not needed to load the addon.
        cpSync(join(build, 'Release'), join(cached, 'Release'), { recursive: true, filter: (src) => !src.includes(`${join('Release', 'obj')}`) && !src.includes('.deps') });
      }
      if (builtForOtherAbi(node, pkgDir)) throw new Error(`${name}@${version} still does not load on ABI ${abi} after the rebuild`);
      rebuilt.push(`${name}@${version}`);
    }
  }
  return rebuilt;
}

module.exports = { copyProject, rebuildAddons };
