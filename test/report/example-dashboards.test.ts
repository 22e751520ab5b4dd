// The example stack's Grafana dashboard and Prometheus alert rules query only what rampart
// emits: metric names from src/report/otel-metrics.ts (METRICS) and attribute names from
// rendering real findings, converted the way the Collector's Prometheus exporter converts
// them (dots to underscores, `_total` on counters, `_seconds` on second histograms), plus
// the resource label `service_name` (resource_to_telemetry_conversion in collector.yaml).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { parse } from 'yaml';
import { DEFAULT_CONFIG } from '../../src/config/defaults';
import { findingAttributes } from '../../src/report/attributes';
import { findingFrom } from '../../src/report/finding';
import { METRICS } from '../../src/report/otel-metrics';
import { ROOT } from '../helpers/child';

const EXAMPLE = join(ROOT, 'examples', 'otel');
const RESOURCE_LABELS = ['service_name'];

const prom = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** Prometheus series name -> the label names its metric carries. */
const SERIES = new Map<string, Set<string>>();
for (const m of METRICS) {
  const labels = new Set([...m.attributes.map(prom), ...RESOURCE_LABELS]);
  if (m.instrument === 'counter') SERIES.set(`${prom(m.name)}_total`, labels);
  else {
    const base = `${prom(m.name)}${m.unit === 's' ? '_seconds' : ''}`;
    SERIES.set(`${base}_bucket`, new Set([...labels, 'le']));
    SERIES.set(`${base}_sum`, labels);
    SERIES.set(`${base}_count`, labels);
  }
}

/** Attribute names of rampart.attack events, from real findings of every sink family. */
const EVENT_LABELS = new Set<string>(RESOURCE_LABELS);
const request = { requestId: 'r', method: 'GET', route: '/users/:id', path: '/users/1', peerAddress: '10.0.0.1', userAgent: 'ua' };
for (const [kind, sinkAttributes] of [
  ['sql_injection', { 'db.system.name': 'sqlite', 'db.query.text': "SELECT 1 WHERE a = 'x'" }],
  ['command_injection', { 'process.command_line': 'ls x', 'process.executable.name': 'ls' }],
  ['path_traversal', { 'file.path': '/srv/../etc/passwd' }],
  ['ssrf', { 'url.full': 'http://10.0.0.2/', 'server.address': '10.0.0.2', 'server.port': 80, 'network.peer.address': '10.0.0.2' }],
] as const) {
  const detection = { kind, rule: `${kind}.rule`, reason: 'r', input: { source: 'query' as const, path: 'x', value: 'x' } };
  const finding = findingFrom(detection, 'blocked', 'sink', sinkAttributes, request, 0.1, '    at app (/srv/app.js:1:1)');
  for (const key of Object.keys(findingAttributes(finding, DEFAULT_CONFIG))) EVENT_LABELS.add(prom(key));
}

interface Checked {
  readonly series: string[];
  readonly labels: string[];
}

/** Series and label names a PromQL expression uses. */
function promql(expr: string): Checked {
  const labels: string[] = [];
  let rest = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  rest = rest.replace(/\{([^}]*)\}/g, (_m, inner: string) => {
    for (const m of inner.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) labels.push(m[1]!);
    return ' ';
  });
  rest = rest.replace(/\b(?:by|without)\s*\(([^)]*)\)/g, (_m, inner: string) => {
    labels.push(...inner.split(',').map((s) => s.trim()).filter(Boolean));
    return ' ';
  });
  rest = rest.replace(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)/g, (_m, metric: string, label: string) => {
    labels.push(label);
    return ` ${metric} `;
  });
  rest = rest.replace(/\[[^\]]*\]/g, ' ');
  const series = [...rest.matchAll(/\b(rampart_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
  return { series, labels };
}

function checkPromql(t: Test, where: string, expr: string): Set<string> {
  const { series, labels } = promql(expr);
  t.ok(series.length > 0, `${where}: queries a rampart metric`);
  const allowed = new Set<string>();
  for (const name of series) {
    t.ok(SERIES.has(name), `${where}: ${name} is a series rampart's metrics export as`);
    for (const label of SERIES.get(name) ?? []) allowed.add(label);
  }
  for (const label of labels) t.ok(allowed.has(label), `${where}: label ${label} is carried by ${series.join(', ')}`);
  return new Set(labels);
}

t.test('dashboard: every Prometheus query uses rampart metric and attribute names', async (t) => {
  const dashboard = JSON.parse(readFileSync(join(EXAMPLE, 'grafana', 'rampart-dashboard.json'), 'utf8')) as {
    panels: Array<{ title: string; datasource: { type: string }; targets: Array<{ expr: string; legendFormat?: string }> }>;
    templating: { list: Array<{ name: string; query: { query: string } }> };
  };
  let prometheusQueries = 0;
  let lokiQueries = 0;
  for (const panel of dashboard.panels) {
    for (const target of panel.targets) {
      if (panel.datasource.type === 'prometheus') {
        prometheusQueries++;
        const labels = checkPromql(t, panel.title, target.expr);
        for (const m of (target.legendFormat ?? '').matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)) {
          t.ok(labels.has(m[1]!), `${panel.title}: legend label ${m[1]} is kept by the query`);
        }
      } else {
        t.equal(panel.datasource.type, 'loki', `${panel.title}: Prometheus or Loki`);
        lokiQueries++;
        const expr = target.expr;
        const names = [
          ...[...expr.matchAll(/\|\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=|>|<)/g)].map((m) => m[1]!),
          ...[...expr.matchAll(/\{\{\s*\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1]!),
          ...[...(expr.match(/^\{([^}]*)\}/)?.[1] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]!),
        ];
        t.ok(names.length > 0, `${panel.title}: filters on event attributes`);
        for (const name of names) t.ok(EVENT_LABELS.has(name), `${panel.title}: ${name} is a rampart.attack attribute (or service_name)`);
      }
    }
  }
  for (const variable of dashboard.templating.list) checkPromql(t, `variable ${variable.name}`, variable.query.query);
  t.ok(prometheusQueries >= 8 && lokiQueries >= 1, 'metric panels and an events panel');

  const grouped = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((x) => [...promql(x.expr).labels])));
  for (const needed of ['security_rule_name', 'http_route', 'rampart_input_source', 'service_name', 'rampart_action', 'le']) {
    t.ok(grouped.has(needed), `the dashboard breaks findings down by ${needed} (rule, route, input source, service, action, duration)`);
  }
});

t.test('alert rules: every expression uses rampart metric and attribute names; annotations use kept labels', async (t) => {
  const rules = parse(readFileSync(join(EXAMPLE, 'prometheus', 'rampart-alerts.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert: string; expr: string; annotations?: Record<string, string> }> }>;
  };
  const all = rules.groups.flatMap((g) => g.rules);
  t.ok(all.length >= 5, 'alert rules present');
  for (const rule of all) {
    const labels = checkPromql(t, rule.alert, rule.expr);
    for (const text of Object.values(rule.annotations ?? {})) {
      for (const m of text.matchAll(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g)) t.ok(labels.has(m[1]!), `${rule.alert}: annotation label ${m[1]} is kept by the query`);
    }
  }
  const prometheus = parse(readFileSync(join(EXAMPLE, 'prometheus', 'prometheus.yml'), 'utf8')) as { rule_files: string[] };
  t.ok(prometheus.rule_files.some((f) => f.endsWith('rampart-alerts.yml')), 'prometheus.yml loads the rules');
});

t.test('collector: OTLP in; Prometheus, Loki and Tempo out; resource labels kept for service_name', async (t) => {
  const collector = parse(readFileSync(join(EXAMPLE, 'collector.yaml'), 'utf8')) as {
    receivers: Record<string, unknown>;
    exporters: Record<string, { resource_to_telemetry_conversion?: { enabled?: boolean } }>;
    service: { pipelines: Record<string, { receivers: string[]; exporters: string[] }> };
  };
  t.ok(collector.receivers.otlp, 'OTLP receiver');
  t.equal(collector.exporters.prometheus?.resource_to_telemetry_conversion?.enabled, true);
  const p = collector.service.pipelines;
  t.ok(p.metrics!.exporters.includes('prometheus'));
  t.ok(p.logs!.exporters.includes('otlphttp/loki'));
  t.ok(p.traces!.exporters.includes('otlp/tempo'));
  for (const pipeline of Object.values(p)) t.same(pipeline.receivers, ['otlp']);
});
