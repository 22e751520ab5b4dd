// rampart's metrics. Instruments are re-created whenever the global MeterProvider changes:
// a counter taken from the global meter before the app registers its SDK would stay a
// no-op forever. Attribute sets are cached so recording allocates nothing after warm-up.
import type { Attributes, Counter, Histogram, MeterProvider } from '@opentelemetry/api';
import { otelApi } from './otel-api';
import type { Finding } from './finding';
import { SCOPE_NAME, SCOPE_VERSION } from './scope';
import { checkCounts } from './check-stats';

export const METRIC_FINDINGS = 'rampart.findings';
export const METRIC_CHECK_DURATION = 'rampart.check.duration';
export const METRIC_CHECKS = 'rampart.checks';
export const METRIC_INTERNAL_ERRORS = 'rampart.internal_errors';
export const METRIC_SUPPRESSED = 'rampart.events.suppressed';

/** Attributes of `rampart.findings`: bounded sets (kinds, actions, sinks, rules, sources, route templates). */
export const FINDING_METRIC_ATTRIBUTES = [
  'rampart.attack.kind',
  'rampart.action',
  'rampart.sink',
  'security_rule.name',
  'rampart.input.source',
  'http.route',
] as const;

/** Every metric rampart emits, its instrument, unit and attribute keys (docs, dashboards, tests). */
export const METRICS: ReadonlyArray<{ readonly name: string; readonly instrument: 'counter' | 'histogram'; readonly unit: string; readonly attributes: readonly string[] }> = [
  { name: METRIC_FINDINGS, instrument: 'counter', unit: '{finding}', attributes: FINDING_METRIC_ATTRIBUTES },
  { name: METRIC_CHECKS, instrument: 'counter', unit: '{check}', attributes: ['rampart.sink.kind'] },
  { name: METRIC_CHECK_DURATION, instrument: 'histogram', unit: 's', attributes: ['rampart.sink.kind'] },
  { name: METRIC_INTERNAL_ERRORS, instrument: 'counter', unit: '{error}', attributes: ['rampart.where'] },
  { name: METRIC_SUPPRESSED, instrument: 'counter', unit: '{event}', attributes: ['rampart.attack.kind'] },
];

/** Sink checks take microseconds; the SDK's default buckets start at 5 seconds. */
const DURATION_BUCKETS_S = [1e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1];

interface Instruments {
  readonly provider: MeterProvider;
  readonly findings: Counter;
  readonly checkDuration: Histogram;
  readonly internalErrors: Counter;
  readonly suppressed: Counter;
}

let instruments: Instruments | undefined;

function current(): Instruments {
  const provider = otelApi().metrics.getMeterProvider();
  if (instruments !== undefined && instruments.provider === provider) return instruments;
  const meter = provider.getMeter(SCOPE_NAME, SCOPE_VERSION);
  instruments = {
    provider,
    findings: meter.createCounter(METRIC_FINDINGS, { description: 'Attacks detected, by attack kind, action and sink', unit: '{finding}' }),
    checkDuration: meter.createHistogram(METRIC_CHECK_DURATION, {
      description: 'Time spent deciding at a sink call that carried user input',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
    }),
    internalErrors: meter.createCounter(METRIC_INTERNAL_ERRORS, { description: 'Errors inside rampart; the app call went on', unit: '{error}' }),
    suppressed: meter.createCounter(METRIC_SUPPRESSED, { description: 'Finding events not emitted because of flood control', unit: '{event}' }),
  };
  // Counted in check-stats.ts as plain integers (no cost per check), observed at collection.
  meter
    .createObservableCounter(METRIC_CHECKS, { description: 'Sink calls that carried user input and were checked', unit: '{check}' })
    .addCallback((result) => {
      for (const { family, checks } of checkCounts()) result.observe(checks, sinkKindAttributes(family));
    });
  return instruments;
}

// kind, action, sink, rule, source, route -> attributes
const findingAttrs = new Map<string, Attributes>();
/** Distinct finding attribute sets kept; past it, new sets are recorded without a route. */
const MAX_FINDING_SETS = 2000;
const sinkKindAttrs = new Map<string, Attributes>();
const whereAttrs = new Map<string, Attributes>();
const kindAttrs = new Map<string, Attributes>();

function cached(map: Map<string, Attributes>, key: string, make: () => Attributes): Attributes {
  let attrs = map.get(key);
  if (attrs === undefined) {
    attrs = Object.freeze(make());
    map.set(key, attrs);
  }
  return attrs;
}

export function countFinding(finding: Finding): void {
  let route = finding.request?.route;
  if (route !== undefined && findingAttrs.size >= MAX_FINDING_SETS) route = undefined;
  const key = `${finding.kind}\0${finding.action}\0${finding.sink}\0${finding.rule}\0${finding.input.source}\0${route ?? ''}`;
  const attrs = cached(findingAttrs, key, () => {
    const set: Attributes = {
      'rampart.attack.kind': finding.kind,
      'rampart.action': finding.action,
      'rampart.sink': finding.sink,
      'security_rule.name': finding.rule,
      'rampart.input.source': finding.input.source,
    };
    if (route !== undefined) set['http.route'] = route;
    return set;
  });
  current().findings.add(1, attrs);
}

/** Called by the guard for the sampled checks (check-stats.ts); `sinkKind` is the sink family. */
export function recordCheckDuration(sinkKind: string, durationMs: number): void {
  // Looking the global MeterProvider up costs microseconds (the API checks versions on every
  // read): on this path it is looked up again every REFRESH_EVERY recordings only, so an SDK
  // registered after start() gets durations from at most that many recordings later.
  let active = instruments;
  if (active === undefined || ++recordingsSinceLookup >= REFRESH_EVERY) {
    recordingsSinceLookup = 0;
    active = current();
  }
  active.checkDuration.record(durationMs / 1000, sinkKindAttributes(sinkKind));
}

const REFRESH_EVERY = 64;
let recordingsSinceLookup = 0;

function sinkKindAttributes(sinkKind: string): Attributes {
  return cached(sinkKindAttrs, sinkKind, () => ({ 'rampart.sink.kind': sinkKind }));
}

/**
 * Makes sure the instruments exist for the current MeterProvider, so the check counter is
 * observed from the first collection even before any finding or timed check.
 */
export function ensureInstruments(): void {
  current();
}

export function countInternalError(where: string): void {
  current().internalErrors.add(1, cached(whereAttrs, where, () => ({ 'rampart.where': where })));
}

export function countSuppressed(kind: string, count: number): void {
  current().suppressed.add(count, cached(kindAttrs, kind, () => ({ 'rampart.attack.kind': kind })));
}
