'use strict';
// Memory over a long run: the app's heap after a full GC and its RSS, after a warm-up and
// again after 100,000 more requests, for the baseline and rampart in block mode. Growth
// beyond the baseline's would mean rampart keeps something per request.
const { once } = require('node:events');
const autocannon = require('autocannon');
const { startApp } = require('./run');

async function memory(child) {
  child.send('heap');
  const [reply] = await once(child, 'message');
  return reply;
}

async function send(url, amount) {
  const result = await autocannon({ url, connections: 16, amount, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load against ${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
}

const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Heap and RSS of `appName` after a warm-up and after `requests` more, per variant. */
async function memoryGrowth(appName, { requests = 100_000, warmup = 5_000, variants = ['baseline', 'block'] } = {}) {
  const rows = [];
  for (const variant of variants) {
    const { child, url } = await startApp(appName, variant, { nodeArgs: ['--expose-gc'], ipc: true });
    try {
      await send(url, warmup);
      const before = await memory(child);
      await send(url, requests);
      const after = await memory(child);
      rows.push({
        app: appName,
        variant,
        requests,
        'heap MB after warm-up': mb(before.heapUsed),
        [`heap MB after ${requests}`]: mb(after.heapUsed),
        'heap growth KiB': Math.round((after.heapUsed - before.heapUsed) / 1024),
        'rss MB after warm-up': mb(before.rss),
        [`rss MB after ${requests}`]: mb(after.rss),
      });
    } finally {
      child.kill();
      await once(child, 'exit').catch(() => {});
    }
  }
  return rows;
}

module.exports = { memoryGrowth };

if (require.main === module) {
  const { markdownTable } = require('../lib/stats');
  memoryGrowth(process.argv[2] || 'express-sqlite').then((rows) => console.log(markdownTable(rows)), (error) => {
    console.error(error);
    process.exit(1);
  });
}
