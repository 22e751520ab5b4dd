// Preloaded into every test process (.taprc node-arg). The OpenTelemetry SDK 3.x packages the
// tests build their in-memory pipelines from (sdk-trace, sdk-metrics, sdk-logs, resources, the
// OTLP exporters, the context manager, core) need Node >= 22.15, so they are not root
// devDependencies (npm would print an EBADENGINE warning for each on Node 20, the minimum
// supported line) but dependencies of the test/fixtures/otel-sdk3 package, which
// scripts/install-test-fixtures.js installs. A test's `import ... from '@opentelemetry/sdk-logs'`
// resolves there; a package's own imports (inside node_modules) are left alone. The fixture's
// SDK reaches the API through its own @opentelemetry/api 1.10, which shares the one global
// registry with the copy rampart and the tests load, as two copies do in an app.
'use strict';
const Module = require('node:module');
const { existsSync } = require('node:fs');
const { join, sep } = require('node:path');

const FIXTURE = join(__dirname, '..', 'fixtures', 'otel-sdk3');
const SDK_PACKAGE = /^@opentelemetry\/(context-async-hooks|core|exporter-[a-z-]+|otlp-[a-z-]+|resources|sdk-logs|sdk-metrics|sdk-trace)(\/|$)/;
const IN_PACKAGE = `${sep}node_modules${sep}`;

if (existsSync(join(FIXTURE, 'node_modules'))) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    const from = parent?.filename;
    if (typeof request === 'string' && SDK_PACKAGE.test(request) && (typeof from !== 'string' || !from.includes(IN_PACKAGE))) {
      return resolve.call(this, request, parent, isMain, { ...options, paths: [FIXTURE] });
    }
    return resolve.call(this, request, parent, isMain, options);
  };
}
