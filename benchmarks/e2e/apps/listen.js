'use strict';
// Listens on an ephemeral loopback port and tells the benchmark runner which one. Started
// with an IPC channel (the memory benchmark), it also answers 'heap' with the heap used
// after a full GC (the app then runs with --expose-gc).
module.exports = function listen(app) {
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ listening: server.address().port }) + '\n');
  });
  if (process.send !== undefined) {
    process.on('message', (message) => {
      if (message !== 'heap') return;
      if (global.gc) global.gc();
      const { heapUsed, rss } = process.memoryUsage();
      process.send({ heapUsed, rss });
    });
  }
  return server;
};
