// Writes dist/bundlers/hooked-packages.json: the package names rampart's module hooks patch,
// read from the built hook declarations, for the bundler helpers (rampart/esbuild,
// rampart/webpack, rampart/next) to load without loading every hook. Run by `npm run build`.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const { MODULE_HOOKS } = require(join(dist, 'hooks'));
const { hookedPackageNames, HOOKED_PACKAGES_FILE } = require(join(dist, 'bundlers', 'hooked-packages'));

writeFileSync(join(dist, 'bundlers', HOOKED_PACKAGES_FILE), `${JSON.stringify(hookedPackageNames(MODULE_HOOKS))}\n`);
