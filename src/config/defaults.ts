import type { Config } from './types';

export const DEFAULT_CONFIG: Config = {
  mode: 'block',
  modes: {
    sql_injection: 'block',
    command_injection: 'block',
    path_traversal: 'block',
    ssrf: 'block',
  },
  allow: { routes: [], inputs: [], values: [], sinks: [] },
  blockResponse: {
    status: 403,
    json: { error: 'Forbidden', message: 'Request blocked by rampart', requestId: '{requestId}' },
    html:
      '<!doctype html><html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1>' +
      '<p>This request was blocked for security reasons.</p><p>Request id: {requestId}</p></body></html>',
  },
  logLevel: 'info',
  logDestination: 'stdout',
  logger: 'pino',
  trustProxy: false,
  limits: { maxDepth: 32, maxInputs: 2000, maxBytes: 1024 * 1024, checkBudgetMs: 100, onCheckBudgetExceeded: 'block' },
  sql: { allowFullQueryInput: false },
  shell: { dangerousOptions: {} },
  path: { allowedRoots: [] },
  ssrf: { allowHosts: [], blockMetadata: true },
  telemetry: {
    includeInputValue: true,
    maxValueLength: 256,
    // Added to the built-in secret names (report/redact.ts), never replacing them.
    redactKeys: [],
    maxEventsPerSecond: 100,
    logFindings: 'auto',
  },
};
