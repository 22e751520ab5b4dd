// Groups findings by route, input, rule and action, with counts and first/last seen. Each
// group carries the id of its allow target (method + route + input + kind), which is what
// `rampart suggest --benign <id>` takes.
import { createHash } from 'node:crypto';
import type { LoggedFinding } from './findings';

export interface FindingGroup {
  readonly id: string;
  readonly method: string;
  readonly route: string;
  readonly source: string;
  readonly input: string;
  readonly kind: string;
  readonly rule: string;
  readonly action: string;
  readonly sinks: string[];
  count: number;
  first: number;
  last: number;
}

export function targetId(f: Pick<LoggedFinding, 'method' | 'route' | 'source' | 'input' | 'kind'>): string {
  return createHash('sha256').update([f.method, f.route, f.source, f.input, f.kind].join('\0')).digest('hex').slice(0, 8);
}

export function groupFindings(findings: readonly LoggedFinding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const key = [f.method, f.route, f.source, f.input, f.kind, f.rule, f.action].join('\0');
    let g = groups.get(key);
    if (g === undefined) {
      g = { id: targetId(f), method: f.method, route: f.route, source: f.source, input: f.input, kind: f.kind, rule: f.rule, action: f.action, sinks: [], count: 0, first: f.time, last: f.time };
      groups.set(key, g);
    }
    g.count++;
    if (!g.sinks.includes(f.sink)) g.sinks.push(f.sink);
    if (Number.isNaN(g.first) || f.time < g.first) g.first = f.time;
    if (Number.isNaN(g.last) || f.time > g.last) g.last = f.time;
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.route.localeCompare(b.route) || a.input.localeCompare(b.input));
}
