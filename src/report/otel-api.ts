// Which copy of @opentelemetry/api rampart talks through. The app's SDK registers its
// providers (tracer, meter, logger, context manager) in one global registry stamped with
// the version of the API copy that registered them, and a copy only reads a registry
// stamped with its own minor version or a newer one (1.9 can read 1.10's, 1.10 cannot read
// 1.9's). As a peer dependency, rampart normally gets the app's single copy; when a second
// copy exists anyway (a nested install, a bundle, pnpm), rampart uses the copy that can read
// what the app registered, and warns once, naming the versions, when none can.
import type * as OtelApi from '@opentelemetry/api';
import { candidateModules, type LoadedModule } from './app-modules';

export type Api = typeof OtelApi;

const REGISTRY_KEY = Symbol.for('opentelemetry.js.api.1');
const API_MODULE = '@opentelemetry/api';

type Registry = { readonly version?: unknown } | undefined;
type Warn = (message: string, fields: Record<string, unknown>) => void;

let candidates: ReadonlyArray<LoadedModule<Api>> | undefined;
let chosen: Api | undefined;
let chosenFor: Registry | null = null;
let warned = false;
let warn: Warn = () => {};

/** Where the one-time version warning goes (the agent's logger). */
export function onApiMismatch(fn: Warn): void {
  warn = fn;
}

/**
 * The API copy to use now: cached until the app registers its first provider (the registry
 * object appears once and keeps its identity), so the usual cost is one global read.
 */
export function otelApi(): Api {
  const registry = (globalThis as Record<symbol, Registry>)[REGISTRY_KEY];
  if (registry === chosenFor && chosen !== undefined) return chosen;
  chosen = choose(registry);
  chosenFor = registry;
  return chosen;
}

function choose(registry: Registry): Api {
  candidates ??= candidateModules<Api>(API_MODULE).filter((c) => typeof c.exports.trace?.getSpan === 'function');
  // The app's copy comes first; before anything is registered every copy is a no-op.
  const first = candidates[0]?.exports ?? (require('@opentelemetry/api') as Api);
  const registered = registry === undefined ? undefined : registry.version;
  if (typeof registered !== 'string') return first;
  const exact = candidates.find((c) => c.version === registered);
  if (exact !== undefined) return exact.exports;
  const readable = candidates.find((c) => c.version !== undefined && canRead(c.version, registered));
  if (readable !== undefined) return readable.exports;
  if (!warned) {
    warned = true;
    const found = candidates.map((c) => `${c.version ?? 'unknown'} (${c.path})`).join(', ');
    warn(
      `rampart: the app's OpenTelemetry providers were registered through @opentelemetry/api ${registered}, ` +
        `which the copies rampart can load cannot read: ${found}. rampart's events, span marks and metrics are not recorded. ` +
        `Install a single @opentelemetry/api (\`npm ls @opentelemetry/api\`, then \`npm dedupe\`), version ${registered} or older than the SDK's.`,
      { event: 'rampart.otel_api_mismatch', registered, found: candidates.map((c) => ({ version: c.version, path: c.path })) },
    );
  }
  return first;
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)(-.+)?$/;

/** The API's own rule: same major, and the reader's minor no newer than the registrant's. */
export function canRead(reader: string, registered: string): boolean {
  if (reader === registered) return true;
  const r = VERSION.exec(reader);
  const g = VERSION.exec(registered);
  if (r === null || g === null || r[4] !== undefined || g[4] !== undefined) return false;
  if (r[1] !== g[1]) return false;
  if (r[1] === '0') return r[2] === g[2] && Number(r[3]) <= Number(g[3]);
  return Number(r[2]) <= Number(g[2]);
}

/** Tests only: forget the choice and the warning, so a test can change what is registered. */
export function resetOtelApi(): void {
  candidates = undefined;
  chosen = undefined;
  chosenFor = null;
  warned = false;
}
