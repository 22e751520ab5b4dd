// Who is opening this connection? Only a destination the app passed at the call can be
// steered by a request's input; a database, cache or broker driver connecting to the host
// in its configuration, or a telemetry exporter sending to its collector, did not take
// that host from the request, even when an input happens to spell the same host
// (`X-Forwarded-For: 127.0.0.1` while the pool connects to 127.0.0.1). Both answers below
// are only asked for once an input was found to name the host: a stack costs microseconds.
import { resolve, sep } from 'node:path';

/** The OpenTelemetry API's global registry (one per major version), as `@opentelemetry/api` 1.x keeps it. */
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');
/** The key @opentelemetry/core's suppressTracing() sets (`createContextKey` is `Symbol.for`). */
const SUPPRESS_TRACING = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

interface ContextLike {
  getValue(key: symbol): unknown;
}

/**
 * Inside an OpenTelemetry SDK export: every span, log and metric processor runs its
 * exporter under `suppressTracing(context.active())` so that instrumentations leave the
 * exporter's own requests alone; rampart does the same. Needs a context manager (the
 * SDK's NodeSDK / provider `register()` installs one); without it see `openedBy`.
 */
export function inTelemetryExport(): boolean {
  try {
    const api = (globalThis as Record<symbol, { context?: { active?: () => ContextLike } } | undefined>)[OTEL_GLOBAL];
    const active = api?.context?.active?.();
    return active !== undefined && active.getValue(SUPPRESS_TRACING) === true;
  } catch {
    return false; // someone else's context manager failed: decide as without it
  }
}

/**
 * - `app`: the app's own code called the sink (the host is what it passed);
 * - `library`: a dependency opened the socket itself (a driver's or client's pool);
 * - `telemetry`: an OpenTelemetry exporter sending what it collected;
 * `via` says whether the socket was opened by an HTTP client rampart also hooks at call
 * time: `node` (http, https, http2, the global fetch) or `undici` (the undici package).
 */
export interface Opener {
  readonly by: 'app' | 'library' | 'telemetry';
  readonly via: 'node' | 'undici' | undefined;
}

// rampart's own files (src/ or dist/), three levels up from src/hooks/sinks/outbound.
const OWN_ROOT = resolve(__dirname, '..', '..', '..') + sep;

/** Node's own HTTP clients, whose calls rampart judges when the app makes them. */
const NODE_CLIENTS = ['node:_http_agent', 'node:_http_client', 'node:http', 'node:https', 'node:internal/http2/', 'node:internal/deps/undici/'];

/** Packages that only wrap functions (instrumentations): they pass calls through. */
const WRAPPERS = ['@opentelemetry/instrumentation', 'shimmer', 'require-in-the-middle', 'import-in-the-middle'];
/**
 * APM agents: they wrap the app's calls (passed through like WRAPPERS), and send what they
 * collect to their own agent or intake; a call that nothing but an agent made is that.
 */
const AGENTS = ['dd-trace', '@datadog', '@sentry', 'newrelic', '@newrelic', 'elastic-apm-node'];

/** OpenTelemetry exporters: the call path of an export when no context manager marks it. */
const TELEMETRY = ['@opentelemetry/otlp-', '@opentelemetry/exporter-'];

const MAX_FRAMES = 64;

/** File names of the frames that called `openedBy` (innermost first). */
function callerFiles(): string[] {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    // Another tool's prepareStackTrace (source maps, Sentry) is bypassed for this one read.
    Error.prepareStackTrace = (_error, sites) => sites.map((s) => s.getFileName() ?? '');
    Error.stackTraceLimit = MAX_FRAMES;
    Error.captureStackTrace(holder, openedBy);
    return Array.isArray(holder.stack) ? (holder.stack as string[]) : [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/** The package a file belongs to (`pg`, `@opentelemetry/otlp-exporter-base`), or undefined outside node_modules. */
function packageOf(file: string): string | undefined {
  const path = file.startsWith('file://') ? file.slice(7) : file;
  const marker = path.lastIndexOf(`${sep}node_modules${sep}`);
  const at = marker !== -1 ? marker : path.lastIndexOf('/node_modules/');
  if (at === -1) return undefined;
  const rest = path.slice(at + '/node_modules/'.length).split(/[\\/]/);
  return rest[0]!.startsWith('@') && rest.length > 1 ? `${rest[0]}/${rest[1]}` : rest[0];
}

function startsWithAny(text: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (text.startsWith(p)) return true;
  return false;
}

function isOwnFile(file: string): boolean {
  return (file.startsWith('file://') ? file.slice(7) : file).startsWith(OWN_ROOT);
}

/**
 * Classifies the code that made the current call, walking past rampart, function wrappers
 * and Node's internals (noting an HTTP client on the way) to the first frame of someone's
 * code.
 */
export function openedBy(): Opener {
  let via: Opener['via'];
  let agent = false;
  for (const file of callerFiles()) {
    if (file === '' || isOwnFile(file)) continue;
    if (file.startsWith('node:')) {
      if (via === undefined && startsWithAny(file, NODE_CLIENTS)) via = 'node';
      continue;
    }
    const pkg = packageOf(file);
    if (pkg === undefined) return { by: 'app', via };
    if (pkg === 'undici') {
      via ??= 'undici';
      continue;
    }
    if (startsWithAny(pkg, WRAPPERS)) continue;
    if (startsWithAny(pkg, AGENTS)) {
      agent = true;
      continue;
    }
    return { by: startsWithAny(pkg, TELEMETRY) ? 'telemetry' : 'library', via };
  }
  // Nothing but internals (and agents): an agent's own export, or judged as the app's call.
  return { by: agent ? 'telemetry' : 'app', via };
}
