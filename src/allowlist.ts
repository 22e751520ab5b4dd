// Allowlists let users silence a known false positive without turning protection off.
// Patterns come from trusted config; they are matched segment by segment, without regexes.
import type { Config, InputAllowRule, RouteAllowRule, ValueAllowRule } from './config/types';
import { currentContext } from './context/store';
import type { AttackKind, UserInput } from './detect/types';

export class Allowlist {
  private readonly sinkExact: ReadonlySet<string>;
  private readonly sinkPrefixes: readonly string[];
  private readonly sinkCache = new Map<string, boolean>();

  constructor(private readonly allow: Config['allow']) {
    this.sinkExact = new Set(allow.sinks.filter((s) => !s.endsWith('*')));
    this.sinkPrefixes = allow.sinks.filter((s) => s.endsWith('*')).map((s) => s.slice(0, -1));
  }

  sinkAllowed(sink: string): boolean {
    if (this.allow.sinks.length === 0) return false;
    let allowed = this.sinkCache.get(sink);
    if (allowed === undefined) {
      allowed = this.sinkExact.has(sink) || this.sinkPrefixes.some((p) => sink.startsWith(p));
      this.sinkCache.set(sink, allowed);
    }
    return allowed;
  }

  routeAllowed(method: string | undefined, path: string | undefined, kind: AttackKind): boolean {
    if (this.allow.routes.length === 0 || path === undefined) return false;
    return this.allow.routes.some((rule) => routeRuleMatches(rule, method ?? '', path, kind));
  }

  inputAllowed(input: UserInput, kind: AttackKind): boolean {
    return this.allow.inputs.some((rule) => inputRuleMatches(rule, input, kind));
  }

  /**
   * Whether `input`'s value is one the user declared validated for this route (allow.values).
   * Patterns only see values up to MAX_PATTERN_INPUT characters: a longer value is never
   * accepted by a pattern, which bounds what a slow pattern can cost on attacker input.
   */
  valueAllowed(input: UserInput, kind: AttackKind, method: string | undefined, path: string | undefined): boolean {
    if (this.allow.values.length === 0 || path === undefined) return false;
    return this.allow.values.some((rule) => valueRuleMatches(rule, input, kind, method ?? '', path));
  }

  get hasInputRules(): boolean {
    return this.allow.inputs.length > 0 || this.allow.values.length > 0;
  }
}

/** Longest value a configured pattern is tried on. */
export const MAX_PATTERN_INPUT = 256;

function valueRuleMatches(rule: ValueAllowRule, input: UserInput, kind: AttackKind, method: string, path: string): boolean {
  if (!kindMatches(rule.kinds, kind)) return false;
  if (rule.source !== '*' && rule.source !== input.source) return false;
  if (rule.name.endsWith('.*') ? !input.path.startsWith(rule.name.slice(0, -1)) : rule.name !== input.path) return false;
  if (rule.method !== '*' && rule.method !== method.toUpperCase()) return false;
  if (!pathMatches(rule.path, path)) return false;
  if (rule.values.includes(input.value)) return true;
  return rule.pattern !== undefined && input.value.length <= MAX_PATTERN_INPUT && rule.pattern.test(input.value);
}

function kindMatches(kinds: readonly AttackKind[], kind: AttackKind): boolean {
  return kinds.length === 0 || kinds.includes(kind);
}

function routeRuleMatches(rule: RouteAllowRule, method: string, path: string, kind: AttackKind): boolean {
  if (!kindMatches(rule.kinds, kind)) return false;
  if (rule.method !== '*' && rule.method !== method.toUpperCase()) return false;
  return pathMatches(rule.path, path);
}

/** `/admin/*` one segment, `/admin/**` any rest, `/users/:id` one segment. */
export function pathMatches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w === '**') return true;
    const g = got[i];
    if (g === undefined) return false;
    if (w === '*' || (w.startsWith(':') && g.length > 0)) continue;
    if (w !== g) return false;
  }
  return want.length === got.length;
}

function inputRuleMatches(rule: InputAllowRule, input: UserInput, kind: AttackKind): boolean {
  if (!kindMatches(rule.kinds, kind)) return false;
  if (rule.source !== '*' && rule.source !== input.source) return false;
  const named = rule.name.endsWith('.*') ? input.path.startsWith(rule.name.slice(0, -1)) : rule.name === input.path;
  return named && (rule.route === undefined || onRoute(rule.route));
}

/** A route-scoped input rule holds only inside a request on that route (read last: it is the rarest test). */
function onRoute(route: NonNullable<InputAllowRule['route']>): boolean {
  const ctx = currentContext();
  const path = ctx?.urlPath;
  if (path === undefined) return false;
  if (route.method !== '*' && route.method !== (ctx!.method ?? '').toUpperCase()) return false;
  return pathMatches(route.path, path);
}
