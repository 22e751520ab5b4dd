'use strict';
// Preloaded first in both arms of the start-up benchmark: at exit, writes the process's
// CPU time (user + system) and peak resident memory as one line on stderr. getrusage
// counts from exec, so Node's own bootstrap is included; only teardown after the 'exit'
// listeners is not, the same in both arms.
process.on('exit', () => {
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  require('node:fs').writeSync(2, `\nrampart-startup-usage ${cpuMs} ${usage.maxRSS / 1024}\n`);
});
