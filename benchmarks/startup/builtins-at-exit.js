'use strict';
// Preloaded in one probe run of each arm of the start-up benchmark: at exit, writes the
// public builtins the process loaded (Node's own load list, so a builtin loaded by Node's
// bootstrap or by any module counts) as one JSON line on stderr. The benchmark's floor arm
// loads what rampart's arm loaded beyond bare node's.
const { builtinModules } = require('node:module');

process.on('exit', () => {
  const publicIds = new Set(builtinModules);
  const loaded = process.moduleLoadList
    .filter((entry) => entry.startsWith('NativeModule '))
    .map((entry) => entry.slice('NativeModule '.length))
    .filter((id) => publicIds.has(id));
  require('node:fs').writeSync(2, `\nrampart-startup-builtins ${JSON.stringify(loaded)}\n`);
});
