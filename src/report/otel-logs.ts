// Findings as OpenTelemetry LogRecords (events) through the Logs API, which records
// nothing until the app registers an SDK: then `enabled()` is false and we stop there,
// before any attribute or record is built.
import type { Attributes } from './attributes';
import { candidateModules } from './app-modules';
import type { Finding } from './finding';
import { LogsResolver, type ModuleLoader } from './logs-api';
import { otelApi } from './otel-api';
import { SCOPE_NAME, SCOPE_VERSION } from './scope';

export const EVENT_NAME = 'rampart.attack';
export const SUPPRESSED_EVENT_NAME = 'rampart.attack.suppressed';

// SeverityNumber values from the logs data model; not imported, an older API lacks the enum.
export const SEVERITY_WARN = 13;
export const SEVERITY_ERROR = 17;

const loadedLogsPackages = new Map<string, unknown>();

/**
 * `@opentelemetry/api` is the copy otel-api.ts picked; `@opentelemetry/api-logs` is the
 * app's copy (any copy reads the provider the app registered: its global is versioned by a
 * compatibility number, not by the package version).
 */
const appLoader: ModuleLoader = (id) => {
  if (id === '@opentelemetry/api') return otelApi();
  if (!loadedLogsPackages.has(id)) loadedLogsPackages.set(id, candidateModules(id)[0]?.exports);
  const mod = loadedLogsPackages.get(id);
  if (mod === undefined) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
  return mod;
};

let resolver = new LogsResolver(appLoader, SCOPE_NAME, SCOPE_VERSION);

/** Tests only: resolve the Logs API through another loader (none: the app's again). */
export function useLogsLoader(load: ModuleLoader = appLoader): void {
  resolver = new LogsResolver(load, SCOPE_NAME, SCOPE_VERSION);
}

/**
 * Emits one `rampart.attack` event in the active context (so trace and span ids attach).
 * `attributes` is called only when a logger will record the event. Returns whether it did.
 */
export function emitFindingEvent(finding: Finding, attributes: () => Attributes): boolean {
  const blocked = finding.action === 'blocked';
  const severityNumber = blocked ? SEVERITY_ERROR : SEVERITY_WARN;
  const active = otelApi().context.active();
  const logger = resolver.loggerFor({ context: active, severityNumber, eventName: EVENT_NAME });
  if (logger === undefined) return false;
  logger.emit({
    eventName: EVENT_NAME,
    severityNumber,
    severityText: blocked ? 'ERROR' : 'WARN',
    attributes: attributes(),
    context: active,
  });
  return true;
}

/**
 * Flood-control summary: how many events of one kind were not emitted. It belongs to no
 * single request, so it is emitted in the root context (no trace ids).
 */
export function emitSuppressedEvent(kind: string, count: number): boolean {
  const ROOT_CONTEXT = otelApi().ROOT_CONTEXT;
  const logger = resolver.loggerFor({ context: ROOT_CONTEXT, severityNumber: SEVERITY_WARN, eventName: SUPPRESSED_EVENT_NAME });
  if (logger === undefined) return false;
  logger.emit({
    eventName: SUPPRESSED_EVENT_NAME,
    severityNumber: SEVERITY_WARN,
    severityText: 'WARN',
    attributes: { 'rampart.attack.kind': kind, 'rampart.suppressed.count': count },
    context: ROOT_CONTEXT,
  });
  return true;
}
