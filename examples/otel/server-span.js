// One SERVER span per request, made active so everything the handler does (rampart's
// events included) carries its trace and span ids. A stand-in for
// @opentelemetry/instrumentation-http and -express: with those installed, drop this file.
'use strict';
const { context, propagation, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');

const tracer = trace.getTracer('rampart-otel-example');

module.exports = function serverSpan(req, res, next) {
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer.startSpan(
    req.method,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'url.path': req.path, 'url.scheme': 'http' },
    },
    parent,
  );
  res.once('finish', () => {
    if (req.route) {
      const route = `${req.baseUrl}${req.route.path}`;
      span.setAttribute('http.route', route);
      span.updateName(`${req.method} ${route}`);
    }
    span.setAttribute('http.response.status_code', res.statusCode);
    // rampart has already set an ERROR status on a blocked request; do not overwrite it.
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
};
