// The supported-versions check of a hook declaration: a semver range in the notation
// OpenTelemetry's module definitions use (`>=8.0.0 <9`, `^3.0.0`, `11.x || 12.x`), enough
// of it for version ranges written by hand: `||` alternatives of space-separated
// comparators (`>=`, `>`, `<=`, `<`, `=`, `^`, `~`, or a bare `x`-range). A version
// outside the range is still protected; instrument.ts warns about it.

type Version = readonly [number, number, number];

/** Longest first, so `>=` is not read as `>`. */
const OPERATORS = ['>=', '<=', '>', '<', '=', '^', '~'] as const;

/** `1.2.3`, `1.2`, `1` or `1.x` (missing parts are 0); prerelease and build tags ignored. */
function parse(text: string): { version: Version; parts: number } | undefined {
  const trimmed = text.trim();
  const core = (trimmed.startsWith('v') ? trimmed.slice(1) : trimmed).split('+', 1)[0]!.split('-', 1)[0]!;
  const pieces = core.split('.');
  const numbers: number[] = [];
  for (const piece of pieces) {
    if (piece === 'x' || piece === 'X' || piece === '*') break;
    if (piece === '' || [...piece].some((ch) => ch < '0' || ch > '9')) return undefined;
    numbers.push(Number(piece));
  }
  if (numbers.length > 3) return undefined;
  return { version: [numbers[0] ?? 0, numbers[1] ?? 0, numbers[2] ?? 0], parts: numbers.length };
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The first version past an x-range or caret/tilde range that starts at `v`. */
function bump(v: Version, at: number): Version {
  if (at <= 0) return [v[0] + 1, 0, 0];
  if (at === 1) return [v[0], v[1] + 1, 0];
  return [v[0], v[1], v[2] + 1];
}

function satisfiesComparator(version: Version, comparator: string): boolean {
  const op = OPERATORS.find((o) => comparator.startsWith(o)) ?? '';
  const bound = parse(comparator.slice(op.length));
  if (bound === undefined) return false;
  const c = compare(version, bound.version);
  switch (op) {
    case '>=':
      return c >= 0;
    case '>':
      return bound.parts < 3 ? compare(version, bump(bound.version, bound.parts - 1)) >= 0 : c > 0;
    case '<=':
      return bound.parts < 3 ? compare(version, bump(bound.version, bound.parts - 1)) < 0 : c <= 0;
    case '<':
      return c < 0;
    case '^': {
      // Up to the next change of the first non-zero part.
      const at = bound.version[0] !== 0 || bound.parts <= 1 ? 0 : bound.version[1] !== 0 || bound.parts <= 2 ? 1 : 2;
      return c >= 0 && compare(version, bump(bound.version, at)) < 0;
    }
    case '~':
      return c >= 0 && compare(version, bump(bound.version, bound.parts <= 1 ? 0 : 1)) < 0;
    default:
      // `=1.2.3`, `1.2.3`, or an x-range `1`, `1.x`, `1.2.x`.
      return bound.parts === 3 ? c === 0 : bound.parts === 0 || (c >= 0 && compare(version, bump(bound.version, bound.parts - 1)) < 0);
  }
}

/** Whether `version` lies in `range`; a version that cannot be read lies in none. */
export function satisfies(version: string, range: string): boolean {
  const parsed = parse(version);
  if (parsed === undefined || parsed.parts === 0) return false;
  return range.split('||').some((alternative) => {
    const comparators = alternative.trim().split(' ').filter(Boolean);
    return comparators.length > 0 && comparators.every((c) => satisfiesComparator(parsed.version, c));
  });
}
