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
  limits: { maxInputs: 1_000_000, maxBytes: 64 * 1024 * 1024, maxRawBody: 16 * 1024 * 1024, checkBudget: 50_000_000, onCheckBudgetExceeded: 'block' },
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
