import type { AttackKind, InputSource } from '../detect/types';

export type Mode = 'block' | 'monitor' | 'off';
export const MODES: readonly Mode[] = ['block', 'monitor', 'off'];

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Silence findings on some routes: `{ method: 'POST', path: '/admin/sql/*' }`. */
export interface RouteAllowRule {
  readonly method: string; // '*' for any
  readonly path: string; // segments; '*' one segment, '**' any rest, ':name' one segment
  readonly kinds: readonly AttackKind[]; // empty = every kind
}

/**
 * Ignore one input: `{ source: 'body', name: 'sql' }` (name is the input path), everywhere or,
 * with `path` (and `method`), only on matching routes.
 */
export interface InputAllowRule {
  readonly source: InputSource | '*';
  readonly name: string; // exact path, or a prefix ending in '.*'
  readonly kinds: readonly AttackKind[];
  /** Route scope, matched as in RouteAllowRule; absent = every route. */
  readonly route?: { readonly method: string; readonly path: string };
}

/**
 * Accept one input's value on one route when it is one of `values` or matches `pattern`
 * (whole value): for structure the app validated itself (`name desc, id asc`, `>=`).
 */
export interface ValueAllowRule {
  readonly method: string; // '*' for any
  readonly path: string; // route pattern, as in RouteAllowRule
  readonly source: InputSource | '*';
  readonly name: string; // exact input path, or a prefix ending in '.*'
  readonly values: readonly string[];
  readonly pattern: RegExp | undefined; // compiled from the configured string, anchored
  readonly kinds: readonly AttackKind[];
}

export interface BlockResponseConfig {
  readonly status: number;
  /** JSON body; `{requestId}` inside string values is replaced. */
  readonly json: Readonly<Record<string, unknown>>;
  /** HTML body; `{requestId}` is replaced. */
  readonly html: string;
}

export interface LimitsConfig {
  readonly maxDepth: number;
  readonly maxInputs: number;
  readonly maxBytes: number;
  /** Time one sink check may take before it stops undecided (milliseconds). */
  readonly checkBudgetMs: number;
  /** What a check that ran out of its budget does in block mode; monitor mode always lets the call run. */
  readonly onCheckBudgetExceeded: 'block' | 'allow';
}

/**
 * An app logger rampart can write through (`start({ logger })`): pino, bunyan, or anything
 * with these methods. rampart calls them pino-style, `logger.warn(fields, message)`.
 */
export interface AppLogger {
  error(fields: object, message?: string): unknown;
  warn(fields: object, message?: string): unknown;
  info(fields: object, message?: string): unknown;
  debug?(fields: object, message?: string): unknown;
  isLevelEnabled?(level: string): boolean;
  flush?(): unknown;
}

/** `pino`: rampart's own pino logger; `none`: no log lines; or the app's logger. */
export type LoggerSetting = 'pino' | 'none' | AppLogger;

/** Which findings get a log line besides the OpenTelemetry event. */
export type LogFindings = 'auto' | 'fallback' | 'never';
export const LOG_FINDINGS: readonly LogFindings[] = ['auto', 'fallback', 'never'];

/** Express's `trust proxy`: true, a hop count, or addresses, ranges and names (`loopback`). */
export type TrustProxy = boolean | number | string | readonly string[];

/** The frozen configuration the agent runs with. */
export interface Config {
  readonly mode: Mode;
  readonly modes: Readonly<Record<AttackKind, Mode>>;
  readonly allow: {
    readonly routes: readonly RouteAllowRule[];
    readonly inputs: readonly InputAllowRule[];
    /** Validated values of one input on one route (allow.values). */
    readonly values: readonly ValueAllowRule[];
    /** Sink names (`better-sqlite3.exec`) or prefixes (`child_process.*`) never checked. */
    readonly sinks: readonly string[];
  };
  readonly blockResponse: BlockResponseConfig;
  readonly logLevel: LogLevel;
  /** 'stdout', 'stderr' or a file path for rampart's own pino log. */
  readonly logDestination: string;
  /** Where rampart's log lines go (not frozen when it is the app's logger). */
  readonly logger: LoggerSetting;
  /** Whose X-Forwarded-For to believe for `client.address`; off by default. */
  readonly trustProxy: TrustProxy;
  readonly limits: LimitsConfig;
  readonly sql: { readonly allowFullQueryInput: boolean };
  readonly shell: { readonly dangerousOptions: Readonly<Record<string, readonly string[]>> };
  readonly path: { readonly allowedRoots: readonly string[] };
  readonly ssrf: { readonly allowHosts: readonly string[]; readonly blockMetadata: boolean };
  readonly telemetry: {
    readonly includeInputValue: boolean;
    readonly maxValueLength: number;
    readonly redactKeys: readonly string[];
    /** Findings per attack kind per second reported in full; the rest are counted. */
    readonly maxEventsPerSecond: number;
    /**
     * `auto`: a log line for every finding, unless the logger feeds an OpenTelemetry log
     * bridge and the event was recorded (the line would be a second record); `fallback`:
     * a line only when no OpenTelemetry event was recorded; `never`.
     */
    readonly logFindings: LogFindings;
  };
}

/** What a user may pass to `start()` or write in rampart.json: every key optional. */
export interface Options {
  mode?: Mode;
  modes?: Partial<Record<AttackKind, Mode>>;
  allow?: {
    routes?: ReadonlyArray<{ method?: string; path: string; kinds?: readonly AttackKind[] }>;
    inputs?: ReadonlyArray<{ source: InputSource | '*'; name: string; kinds?: readonly AttackKind[]; method?: string; path?: string }>;
    sinks?: readonly string[];
  };
  blockResponse?: Partial<BlockResponseConfig>;
  logLevel?: LogLevel;
  logDestination?: string;
  logger?: LoggerSetting;
  trustProxy?: TrustProxy;
  limits?: Partial<LimitsConfig>;
  sql?: Partial<Config['sql']>;
  shell?: Partial<Config['shell']>;
  path?: Partial<Config['path']>;
  ssrf?: Partial<Config['ssrf']>;
  telemetry?: Partial<Config['telemetry']>;
  /** A JSON configuration file to read instead of ./rampart.json. */
  configFile?: string;
}
