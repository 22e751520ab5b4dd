'use strict';
const fastify = require('fastify')();
fastify.get('/hello', async (request) => ({ hello: request.query.name || 'world' }));
fastify.listen({ port: 0, host: '127.0.0.1' }).then(() => {
  process.stdout.write(JSON.stringify({ listening: fastify.server.address().port }) + '\n');
});
