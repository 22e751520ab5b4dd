// Reads rampart findings out of log files: pino JSON lines (`"event":"rampart.attack"`) and
// OTLP/HTTP JSON log exports (`{"resourceLogs":[...]}`, one document per file or per line, as
// the Collector's file exporter writes). Other lines (the app's own output) are skipped.

export interface LoggedFinding {
  /** Milliseconds since the epoch; NaN when the record carries no time. */
  readonly time: number;
  readonly action: string;
  readonly kind: string;
  readonly rule: string;
  readonly sink: string;
  readonly method: string;
  /** The framework's route pattern when known (`/users/:id`), else the URL path. */
  readonly route: string;
  readonly source: string;
  readonly input: string;
}

export interface ReadResult {
  readonly findings: LoggedFinding[];
  /** Lines that were neither JSON nor a rampart record. */
  readonly skipped: number;
}

type Flat = Record<string, unknown>;

export function readFindings(text: string): ReadResult {
  const findings: LoggedFinding[] = [];
  let skipped = 0;
  const whole = parse(text.trim());
  const records = whole !== undefined && isOtlp(whole) ? [whole] : text.split('\n').filter((l) => l.trim() !== '').map((l) => parse(l.trim()));
  for (const record of records) {
    if (record === undefined) skipped++;
    else if (isOtlp(record)) findings.push(...fromOtlp(record));
    else if (record.event === 'rampart.attack') findings.push(fromFlat(record, timeOf(record.time)));
    else skipped++;
  }
  return { findings, skipped };
}

function parse(text: string): Flat | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Flat) : undefined;
  } catch {
    return undefined;
  }
}

function isOtlp(doc: Flat): boolean {
  return Array.isArray(doc.resourceLogs);
}

interface OtlpAttribute {
  key?: string;
  value?: Record<string, unknown>;
}
interface OtlpRecord {
  eventName?: string;
  timeUnixNano?: string | number;
  observedTimeUnixNano?: string | number;
  attributes?: OtlpAttribute[];
}

function fromOtlp(doc: Flat): LoggedFinding[] {
  const out: LoggedFinding[] = [];
  for (const rl of doc.resourceLogs as Array<{ scopeLogs?: Array<{ logRecords?: OtlpRecord[] }> }>) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const record of sl.logRecords ?? []) {
        const flat: Flat = {};
        for (const a of record.attributes ?? []) if (typeof a.key === 'string') flat[a.key] = attributeValue(a.value);
        if ((record.eventName ?? flat['event.name']) !== 'rampart.attack') continue;
        out.push(fromFlat(flat, nanosToMillis(record.timeUnixNano ?? record.observedTimeUnixNano)));
      }
    }
  }
  return out;
}

function attributeValue(value: Record<string, unknown> | undefined): unknown {
  if (value === undefined) return undefined;
  for (const key of ['stringValue', 'intValue', 'doubleValue', 'boolValue']) if (key in value) return value[key];
  return undefined;
}

function nanosToMillis(nanos: string | number | undefined): number {
  if (nanos === undefined) return NaN;
  return Number(BigInt(String(nanos)) / 1_000_000n);
}

function timeOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Date.parse(value);
  return NaN;
}

const text = (value: unknown, fallback = '-'): string => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : fallback);

function fromFlat(f: Flat, time: number): LoggedFinding {
  return {
    time,
    action: text(f['rampart.action']),
    kind: text(f['rampart.attack.kind']),
    rule: text(f['security_rule.name']),
    sink: text(f['rampart.sink']),
    method: text(f['http.request.method']),
    route: text(f['http.route'], text(f['url.path'])),
    source: text(f['rampart.input.source']),
    input: text(f['rampart.input.path']),
  };
}
