// `rampart report`: findings grouped by route, input, rule and action, as a table or JSON.
import type { FindingGroup } from './group';

const iso = (ms: number): string => (Number.isNaN(ms) ? '-' : new Date(ms).toISOString());

export function reportJson(groups: readonly FindingGroup[]): string {
  return JSON.stringify(
    groups.map((g) => ({ ...g, first: iso(g.first), last: iso(g.last) })),
    null,
    2,
  );
}

export function reportTable(groups: readonly FindingGroup[], skipped: number): string {
  if (groups.length === 0) return `no rampart findings${skipped > 0 ? ` (${skipped} other lines skipped)` : ''}\n`;
  const header = ['ID', 'ACTION', 'KIND', 'RULE', 'ROUTE', 'INPUT', 'COUNT', 'FIRST SEEN', 'LAST SEEN'];
  const rows = groups.map((g) => [g.id, g.action, g.kind, g.rule, `${g.method} ${g.route}`, `${g.source}.${g.input}`, String(g.count), iso(g.first), iso(g.last)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const total = groups.reduce((n, g) => n + g.count, 0);
  return [line(header), ...rows.map(line), '', `${total} findings in ${groups.length} groups${skipped > 0 ? `; ${skipped} other lines skipped` : ''}`, ''].join('\n');
}
