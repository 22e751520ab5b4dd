'use strict';
// The floor: only an AsyncLocalStorage.run per request, the unavoidable cost of carrying a
// request context. Preloaded with --require in place of rampart.
const http = require('node:http');
const { AsyncLocalStorage } = require('node:async_hooks');
const als = new AsyncLocalStorage();
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
  if (event !== 'request') return emit.apply(this, arguments);
  return als.run({ req, res }, () => emit.call(this, event, req, res));
};
