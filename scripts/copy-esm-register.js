// tsc does not emit .mjs sources; the ESM preload is plain JavaScript, copied as is.
const { copyFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
copyFileSync(join(root, 'src', 'register.mjs'), join(root, 'dist', 'register.mjs'));
