'use strict';
// Listens on an ephemeral loopback port and tells the benchmark runner which one.
module.exports = function listen(app) {
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ listening: server.address().port }) + '\n');
  });
  return server;
};
