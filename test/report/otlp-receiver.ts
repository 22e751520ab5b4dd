// A minimal OTLP/HTTP receiver on 127.0.0.1 for end-to-end export tests: it accepts what
// the real exporters send (JSON or protobuf), answers 200, and decodes log records, spans
// and metric points into plain objects. The protobuf side is a small wire-format reader
// for the few OTLP messages the tests look at, written from the published .proto files.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AttrValue = string | number | boolean;

export interface ReceivedLog {
  readonly encoding: 'json' | 'protobuf';
  readonly scope: string;
  readonly eventName: string;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AttrValue | undefined;
  readonly attributes: Record<string, AttrValue>;
  readonly traceId: string;
  readonly spanId: string;
}

export interface ReceivedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly statusCode: number;
  readonly attributes: Record<string, AttrValue>;
}

export interface ReceivedPoint {
  readonly metric: string;
  /** Sum value, or histogram count. */
  readonly value: number;
  readonly attributes: Record<string, AttrValue>;
}

export interface OtlpReceiver {
  readonly url: string;
  readonly logs: ReceivedLog[];
  readonly spans: ReceivedSpan[];
  readonly points: ReceivedPoint[];
  /** Raw request bodies by path, for byte-level checks. */
  readonly raw: Array<{ path: string; contentType: string; body: Buffer }>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const logs: ReceivedLog[] = [];
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const raw: OtlpReceiver['raw'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = String(req.headers['content-type'] ?? '');
      const path = req.url ?? '';
      raw.push({ path, contentType, body });
      const proto = contentType.includes('protobuf');
      try {
        if (path.endsWith('/v1/logs')) logs.push(...(proto ? protoLogs(body) : jsonLogs(body)));
        else if (path.endsWith('/v1/traces') && !proto) spans.push(...jsonSpans(body));
        else if (path.endsWith('/v1/metrics') && !proto) points.push(...jsonPoints(body));
      } catch (error) {
        res.statusCode = 400;
        res.end(String(error));
        return;
      }
      res.setHeader('content-type', proto ? 'application/x-protobuf' : 'application/json');
      res.end(proto ? Buffer.alloc(0) : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    spans,
    points,
    raw,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- OTLP/JSON ----------------------------------------------------------------------

interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
}
interface JsonKeyValue {
  key: string;
  value?: JsonAnyValue;
}

function jsonValue(v: JsonAnyValue | undefined): AttrValue | undefined {
  if (v === undefined) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return undefined;
}

function jsonAttrs(list: JsonKeyValue[] | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of list ?? []) {
    const value = jsonValue(kv.value);
    if (value !== undefined) out[kv.key] = value;
  }
  return out;
}

function jsonLogs(body: Buffer): ReceivedLog[] {
  const doc = JSON.parse(body.toString('utf8')) as {
    resourceLogs?: Array<{ scopeLogs?: Array<{ scope?: { name?: string }; logRecords?: Array<Record<string, unknown>> }> }>;
  };
  const out: ReceivedLog[] = [];
  for (const rl of doc.resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const r of sl.logRecords ?? []) {
        out.push({
          encoding: 'json',
          scope: sl.scope?.name ?? '',
          eventName: (r.eventName as string | undefined) ?? '',
          severityNumber: Number(r.severityNumber ?? 0),
          severityText: (r.severityText as string | undefined) ?? '',
          body: jsonValue(r.body as JsonAnyValue | undefined),
          attributes: jsonAttrs(r.attributes as JsonKeyValue[] | undefined),
          traceId: (r.traceId as string | undefined) ?? '',
          spanId: (r.spanId as string | undefined) ?? '',
        });
      }
    }
  }
  return out;
}

function jsonSpans(body: Buffer): ReceivedSpan[] {
  const doc = JSON.parse(body.toString('utf8')) as {
    resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }> }>;
  };
  const out: ReceivedSpan[] = [];
  for (const rs of doc.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          name: s.name as string,
          traceId: s.traceId as string,
          spanId: s.spanId as string,
          kind: Number(s.kind ?? 0),
          statusCode: Number((s.status as { code?: number } | undefined)?.code ?? 0),
          attributes: jsonAttrs(s.attributes as JsonKeyValue[] | undefined),
        });
      }
    }
  }
  return out;
}

interface JsonPoint {
  asInt?: string | number;
  asDouble?: number;
  count?: string | number;
  attributes?: JsonKeyValue[];
}

function jsonPoints(body: Buffer): ReceivedPoint[] {
  const doc = JSON.parse(body.toString('utf8')) as {
    resourceMetrics?: Array<{
      scopeMetrics?: Array<{ metrics?: Array<{ name: string; sum?: { dataPoints?: JsonPoint[] }; histogram?: { dataPoints?: JsonPoint[] } }> }>;
    }>;
  };
  const out: ReceivedPoint[] = [];
  for (const rm of doc.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        for (const p of m.sum?.dataPoints ?? []) {
          out.push({ metric: m.name, value: Number(p.asInt ?? p.asDouble ?? 0), attributes: jsonAttrs(p.attributes) });
        }
        for (const p of m.histogram?.dataPoints ?? []) {
          out.push({ metric: m.name, value: Number(p.count ?? 0), attributes: jsonAttrs(p.attributes) });
        }
      }
    }
  }
  return out;
}

// ---- OTLP/protobuf --------------------------------------------------------------------

interface Field {
  readonly no: number;
  readonly wire: number;
  /** Varint and fixed values as bigint; length-delimited as bytes. */
  readonly int: bigint;
  readonly bytes: Buffer;
}

/** Splits one message into its fields (proto3 wire format, no groups). */
export function readFields(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    const empty = Buffer.alloc(0);
    if (wire === 0) fields.push({ no, wire, int: varint(), bytes: empty });
    else if (wire === 1) {
      fields.push({ no, wire, int: buf.readBigUInt64LE(pos), bytes: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 5) {
      fields.push({ no, wire, int: BigInt(buf.readUInt32LE(pos)), bytes: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new Error('truncated field');
      fields.push({ no, wire, int: 0n, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return fields;
}

const sub = (fields: Field[], no: number): Buffer[] => fields.filter((f) => f.no === no).map((f) => f.bytes);
const str = (fields: Field[], no: number): string => sub(fields, no)[0]?.toString('utf8') ?? '';

/** AnyValue: string 1, bool 2, int64 3, double 4. */
function protoValue(buf: Buffer): AttrValue | undefined {
  for (const f of readFields(buf)) {
    if (f.no === 1) return f.bytes.toString('utf8');
    if (f.no === 2) return f.int !== 0n;
    if (f.no === 3) return Number(BigInt.asIntN(64, f.int));
    if (f.no === 4) return f.bytes.readDoubleLE(0);
  }
  return undefined;
}

/** KeyValue: key 1, value 2. */
function protoAttrs(list: Buffer[]): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of list) {
    const fields = readFields(kv);
    const value = sub(fields, 2)[0];
    const decoded = value === undefined ? undefined : protoValue(value);
    if (decoded !== undefined) out[str(fields, 1)] = decoded;
  }
  return out;
}

/**
 * ExportLogsServiceRequest: resource_logs 1 -> ResourceLogs: scope_logs 2 -> ScopeLogs:
 * scope 1 (name 1), log_records 2 -> LogRecord: severity_number 2, severity_text 3, body 5,
 * attributes 6, trace_id 9, span_id 10, event_name 12.
 */
function protoLogs(body: Buffer): ReceivedLog[] {
  const out: ReceivedLog[] = [];
  for (const rl of sub(readFields(body), 1)) {
    for (const sl of sub(readFields(rl), 2)) {
      const slFields = readFields(sl);
      const scopeBytes = sub(slFields, 1)[0];
      const scope = scopeBytes === undefined ? '' : str(readFields(scopeBytes), 1);
      for (const lr of sub(slFields, 2)) {
        const f = readFields(lr);
        const bodyBytes = sub(f, 5)[0];
        out.push({
          encoding: 'protobuf',
          scope,
          eventName: str(f, 12),
          severityNumber: Number(f.find((x) => x.no === 2)?.int ?? 0n),
          severityText: str(f, 3),
          body: bodyBytes === undefined ? undefined : protoValue(bodyBytes),
          attributes: protoAttrs(sub(f, 6)),
          traceId: sub(f, 9)[0]?.toString('hex') ?? '',
          spanId: sub(f, 10)[0]?.toString('hex') ?? '',
        });
      }
    }
  }
  return out;
}
