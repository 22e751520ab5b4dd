// Turns untrusted configuration (JSON file, env vars, start() options) into a checked
// partial Config. Unknown keys are errors too: a typo must not silently disable protection.
import { ATTACK_KINDS, type AttackKind, type InputSource } from '../detect/types';
import { RampartConfigError } from './errors';
import type * as ClientAddress from '../report/client-address';
import { lazily } from '../lazy';
import { LOG_FINDINGS, LOG_LEVELS, MODES, type AppLogger, type Config, type InputAllowRule, type RouteAllowRule, type ValueAllowRule } from './types';

const INPUT_SOURCES: readonly (InputSource | '*')[] = [
  '*', 'query', 'body', 'params', 'headers', 'cookies', 'path', 'graphql', 'jwt', 'xml', 'websocket', 'custom',
];

// The address parsers load only to check a trustProxy list of addresses and ranges.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const clientAddress = lazily(() => require('../report/client-address') as typeof ClientAddress);

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };
type Partial2<T> = { -readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? Mutable<T[K]> : T[K] };
export type PartialConfig = Partial2<Config>;

/**
 * Limits of earlier versions, still accepted so that an upgrade does not stop start-up, and
 * ignored with a deprecation warning: `maxDepth` cut off input collection (an attacker's
 * nesting hid the payload; nothing is cut off now) and `checkBudgetMs` was wall-clock
 * (verdicts changed with the machine's load; `checkBudget` counts work).
 */
const RETIRED_LIMITS = ['maxDepth', 'checkBudgetMs'] as const;
const RETIRED_LIMIT_NOTES: Readonly<Record<(typeof RETIRED_LIMITS)[number], string>> = {
  maxDepth: 'limits.maxDepth is ignored: inputs are collected at any depth (limits.maxInputs and limits.maxBytes bound memory).',
  checkBudgetMs: 'limits.checkBudgetMs is ignored: the check budget counts work, not time; set limits.checkBudget (units of work) instead.',
};

function warnRetiredLimit(key: (typeof RETIRED_LIMITS)[number]): void {
  process.emitWarning(RETIRED_LIMIT_NOTES[key], { type: 'DeprecationWarning', code: `RAMPART_LIMITS_${key.toUpperCase()}` });
}

class Checker {
  constructor(private readonly origin: string) {}

  fail(key: string, value: unknown, allowed: string): never {
    throw new RampartConfigError(key, value, allowed, this.origin);
  }

  object(key: string, value: unknown): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(key, value, 'an object');
    return value as Record<string, unknown>;
  }

  keys(key: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) this.fail(key ? `${key}.${k}` : k, obj[k], `one of the keys ${allowed.join(', ')}`);
    }
  }

  oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !allowed.includes(value as T)) this.fail(key, value, allowed.join(', '));
    return value as T;
  }

  bool(key: string, value: unknown): boolean {
    if (typeof value !== 'boolean') this.fail(key, value, 'true or false');
    return value;
  }

  int(key: string, value: unknown, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(key, value, `an integer from ${min} to ${max}`);
    }
    return value;
  }

  string(key: string, value: unknown, nonEmpty = true): string {
    if (typeof value !== 'string' || (nonEmpty && value.length === 0)) this.fail(key, value, 'a non-empty string');
    return value;
  }

  strings(key: string, value: unknown): string[] {
    if (!Array.isArray(value)) this.fail(key, value, 'an array of strings');
    return value.map((item, i) => this.string(`${key}[${i}]`, item));
  }

  kinds(key: string, value: unknown): AttackKind[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(key, value, `an array of ${ATTACK_KINDS.join(', ')}`);
    return value.map((item, i) => this.oneOf(`${key}[${i}]`, item, ATTACK_KINDS));
  }
}

const TOP_KEYS = [
  'mode', 'modes', 'allow', 'blockResponse', 'logLevel', 'logDestination', 'logger', 'trustProxy', 'limits', 'sql', 'shell',
  'path', 'ssrf', 'telemetry', 'configFile',
];

/** Validates one configuration source; `origin` says where it came from for error messages. */
export function validateConfig(raw: unknown, origin: string): PartialConfig {
  const c = new Checker(origin);
  const obj = c.object('(root)', raw);
  c.keys('', obj, TOP_KEYS);
  const out: PartialConfig = {};
  if (obj.mode !== undefined) out.mode = c.oneOf('mode', obj.mode, MODES);
  if (obj.modes !== undefined) {
    const modes = c.object('modes', obj.modes);
    c.keys('modes', modes, ATTACK_KINDS);
    const checked: Partial<Record<AttackKind, Config['mode']>> = {};
    for (const kind of ATTACK_KINDS) {
      if (modes[kind] !== undefined) checked[kind] = c.oneOf(`modes.${kind}`, modes[kind], MODES);
    }
    out.modes = checked as Config['modes'];
  }
  if (obj.allow !== undefined) out.allow = validateAllow(c, obj.allow);
  if (obj.blockResponse !== undefined) {
    const b = c.object('blockResponse', obj.blockResponse);
    c.keys('blockResponse', b, ['status', 'json', 'html']);
    out.blockResponse = {};
    if (b.status !== undefined) out.blockResponse.status = c.int('blockResponse.status', b.status, 200, 599);
    if (b.json !== undefined) out.blockResponse.json = c.object('blockResponse.json', b.json);
    if (b.html !== undefined) out.blockResponse.html = c.string('blockResponse.html', b.html);
  }
  if (obj.logLevel !== undefined) out.logLevel = c.oneOf('logLevel', obj.logLevel, LOG_LEVELS);
  if (obj.logDestination !== undefined) out.logDestination = c.string('logDestination', obj.logDestination);
  if (obj.logger !== undefined) out.logger = validateLogger(c, obj.logger);
  if (obj.trustProxy !== undefined) out.trustProxy = validateTrustProxy(c, obj.trustProxy);
  if (obj.limits !== undefined) {
    const l = c.object('limits', obj.limits);
    c.keys('limits', l, ['maxInputs', 'maxBytes', 'maxRawBody', 'checkBudget', 'onCheckBudgetExceeded', ...RETIRED_LIMITS]);
    out.limits = {};
    for (const key of RETIRED_LIMITS) if (l[key] !== undefined) warnRetiredLimit(key);
    if (l.maxInputs !== undefined) out.limits.maxInputs = c.int('limits.maxInputs', l.maxInputs, 1, 100_000_000);
    if (l.maxBytes !== undefined) out.limits.maxBytes = c.int('limits.maxBytes', l.maxBytes, 1024, 1024 * 1024 * 1024);
    if (l.maxRawBody !== undefined) out.limits.maxRawBody = c.int('limits.maxRawBody', l.maxRawBody, 1024, 1024 * 1024 * 1024);
    if (l.checkBudget !== undefined) out.limits.checkBudget = c.int('limits.checkBudget', l.checkBudget, 1, 1e12);
    if (l.onCheckBudgetExceeded !== undefined) {
      out.limits.onCheckBudgetExceeded = c.oneOf('limits.onCheckBudgetExceeded', l.onCheckBudgetExceeded, ['block', 'allow'] as const);
    }
  }
  if (obj.sql !== undefined) {
    const s = c.object('sql', obj.sql);
    c.keys('sql', s, ['allowFullQueryInput']);
    out.sql = {};
    if (s.allowFullQueryInput !== undefined) out.sql.allowFullQueryInput = c.bool('sql.allowFullQueryInput', s.allowFullQueryInput);
  }
  if (obj.shell !== undefined) {
    const s = c.object('shell', obj.shell);
    c.keys('shell', s, ['dangerousOptions']);
    if (s.dangerousOptions !== undefined) {
      const d = c.object('shell.dangerousOptions', s.dangerousOptions);
      const checked: Record<string, string[]> = {};
      for (const program of Object.keys(d)) checked[program] = c.strings(`shell.dangerousOptions.${program}`, d[program]);
      out.shell = { dangerousOptions: checked };
    }
  }
  if (obj.path !== undefined) {
    const p = c.object('path', obj.path);
    c.keys('path', p, ['allowedRoots']);
    if (p.allowedRoots !== undefined) {
      const roots = c.strings('path.allowedRoots', p.allowedRoots);
      roots.forEach((root, i) => {
        if (!root.startsWith('/')) c.fail(`path.allowedRoots[${i}]`, root, 'an absolute directory path');
      });
      out.path = { allowedRoots: roots };
    }
  }
  if (obj.ssrf !== undefined) {
    const s = c.object('ssrf', obj.ssrf);
    c.keys('ssrf', s, ['allowHosts', 'blockMetadata']);
    out.ssrf = {};
    if (s.allowHosts !== undefined) out.ssrf.allowHosts = c.strings('ssrf.allowHosts', s.allowHosts);
    if (s.blockMetadata !== undefined) out.ssrf.blockMetadata = c.bool('ssrf.blockMetadata', s.blockMetadata);
  }
  if (obj.telemetry !== undefined) {
    const t = c.object('telemetry', obj.telemetry);
    c.keys('telemetry', t, ['includeInputValue', 'maxValueLength', 'redactKeys', 'maxEventsPerSecond', 'logFindings']);
    out.telemetry = {};
    if (t.includeInputValue !== undefined) out.telemetry.includeInputValue = c.bool('telemetry.includeInputValue', t.includeInputValue);
    if (t.maxValueLength !== undefined) out.telemetry.maxValueLength = c.int('telemetry.maxValueLength', t.maxValueLength, 0, 65536);
    if (t.redactKeys !== undefined) out.telemetry.redactKeys = c.strings('telemetry.redactKeys', t.redactKeys).map((k) => k.toLowerCase());
    if (t.maxEventsPerSecond !== undefined) out.telemetry.maxEventsPerSecond = c.int('telemetry.maxEventsPerSecond', t.maxEventsPerSecond, 1, 1_000_000);
    if (t.logFindings !== undefined) out.telemetry.logFindings = c.oneOf('telemetry.logFindings', t.logFindings, LOG_FINDINGS);
  }
  return out;
}

const LOGGER_METHODS = ['error', 'warn', 'info'] as const;

/** `pino`, `none`, or an object with error/warn/info methods (checked, not called). */
function validateLogger(c: Checker, raw: unknown): Config['logger'] {
  if (typeof raw === 'string') return c.oneOf('logger', raw, ['pino', 'none'] as const);
  const allowed = '"pino", "none", or a logger object with error, warn and info methods (pino, bunyan, console...)';
  if (raw === null || typeof raw !== 'object') c.fail('logger', raw, allowed);
  for (const method of LOGGER_METHODS) {
    if (typeof (raw as Record<string, unknown>)[method] !== 'function') c.fail(`logger.${method}`, (raw as Record<string, unknown>)[method], allowed);
  }
  return raw as AppLogger;
}

/** Express's forms: a boolean, a hop count, or addresses/ranges/names (a list or comma-separated). */
function validateTrustProxy(c: Checker, raw: unknown): Config['trustProxy'] {
  const allowed = 'true, false, a number of hops, or IP addresses, CIDR ranges and the names loopback, linklocal, uniquelocal';
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return c.int('trustProxy', raw, 0, 64);
  const entries = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
  if (entries === undefined || entries.length === 0) c.fail('trustProxy', raw, allowed);
  entries.forEach((entry, i) => {
    if (typeof entry !== 'string' || !clientAddress().isTrustProxyEntry(entry)) c.fail(Array.isArray(raw) ? `trustProxy[${i}]` : 'trustProxy', entry, allowed);
  });
  return typeof raw === 'string' ? raw : (entries as string[]);
}

function validateAllow(c: Checker, raw: unknown): PartialConfig['allow'] {
  const a = c.object('allow', raw);
  c.keys('allow', a, ['routes', 'inputs', 'values', 'sinks']);
  const out: NonNullable<PartialConfig['allow']> = {};
  if (a.routes !== undefined) {
    if (!Array.isArray(a.routes)) c.fail('allow.routes', a.routes, 'an array of { method, path, kinds? }');
    out.routes = a.routes.map((item, i): RouteAllowRule => {
      const key = `allow.routes[${i}]`;
      const r = c.object(key, item);
      c.keys(key, r, ['method', 'path', 'kinds']);
      const path = c.string(`${key}.path`, r.path);
      if (!path.startsWith('/')) c.fail(`${key}.path`, path, 'a path pattern starting with "/"');
      const method = r.method === undefined ? '*' : c.string(`${key}.method`, r.method).toUpperCase();
      return { method, path, kinds: c.kinds(`${key}.kinds`, r.kinds) };
    });
  }
  if (a.inputs !== undefined) {
    if (!Array.isArray(a.inputs)) c.fail('allow.inputs', a.inputs, 'an array of { source, name, kinds?, method?, path? }');
    out.inputs = a.inputs.map((item, i): InputAllowRule => {
      const key = `allow.inputs[${i}]`;
      const r = c.object(key, item);
      c.keys(key, r, ['source', 'name', 'kinds', 'method', 'path']);
      const rule = {
        source: c.oneOf(`${key}.source`, r.source, INPUT_SOURCES),
        name: c.string(`${key}.name`, r.name),
        kinds: c.kinds(`${key}.kinds`, r.kinds),
      };
      if (r.path === undefined) {
        if (r.method !== undefined) c.fail(`${key}.method`, r.method, 'a method only together with "path"');
        return rule;
      }
      const path = c.string(`${key}.path`, r.path);
      if (!path.startsWith('/')) c.fail(`${key}.path`, path, 'a path pattern starting with "/"');
      const method = r.method === undefined ? '*' : c.string(`${key}.method`, r.method).toUpperCase();
      return { ...rule, route: { method, path } };
    });
  }
  if (a.values !== undefined) out.values = validateValueRules(c, a.values);
  if (a.sinks !== undefined) out.sinks = c.strings('allow.sinks', a.sinks);
  return out;
}

const VALUE_RULE_SHAPE = 'an array of { path, source, name, values?, pattern?, method?, kinds? }';

function validateValueRules(c: Checker, raw: unknown): ValueAllowRule[] {
  if (!Array.isArray(raw)) c.fail('allow.values', raw, VALUE_RULE_SHAPE);
  return raw.map((item, i): ValueAllowRule => {
    const key = `allow.values[${i}]`;
    const r = c.object(key, item);
    c.keys(key, r, ['method', 'path', 'source', 'name', 'values', 'pattern', 'kinds']);
    const path = c.string(`${key}.path`, r.path);
    if (!path.startsWith('/')) c.fail(`${key}.path`, path, 'a path pattern starting with "/"');
    const values = r.values === undefined ? [] : c.strings(`${key}.values`, r.values);
    let pattern: RegExp | undefined;
    if (r.pattern !== undefined) {
      const text = c.string(`${key}.pattern`, r.pattern);
      try {
        pattern = new RegExp(`^(?:${text})$`, 'u');
      } catch {
        c.fail(`${key}.pattern`, text, 'a JavaScript regular expression');
      }
    }
    if (values.length === 0 && pattern === undefined) c.fail(key, item, 'a rule with a non-empty `values` list or a `pattern`');
    return {
      method: r.method === undefined ? '*' : c.string(`${key}.method`, r.method).toUpperCase(),
      path,
      source: c.oneOf(`${key}.source`, r.source, INPUT_SOURCES),
      name: c.string(`${key}.name`, r.name),
      values,
      pattern,
      kinds: c.kinds(`${key}.kinds`, r.kinds),
    };
  });
}
