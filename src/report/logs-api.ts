// Finds the OpenTelemetry Logs API at run time. `logs` is part of @opentelemetry/api from
// 1.10; an app on an older API registers its logs SDK through @opentelemetry/api-logs.
// Both are looked up through a loader, so neither has to exist, and nothing here is imported
// from them statically (an older API has no `logs` and no `SeverityNumber`). The loader is
// asked again at each use: the API copy rampart talks through can change when the app
// registers its SDK (otel-api.ts).
import type { Context } from '@opentelemetry/api';

export interface EnabledOptions {
  readonly context?: Context;
  readonly severityNumber?: number;
  readonly eventName?: string;
}

export interface LogRecordLike {
  readonly eventName?: string;
  readonly severityNumber?: number;
  readonly severityText?: string;
  readonly body?: string;
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
  readonly context?: Context;
}

export interface LoggerLike {
  emit(record: LogRecordLike): void;
  /** Absent on old @opentelemetry/api-logs releases. */
  enabled?(options?: EnabledOptions): boolean;
}

interface LoggerProviderLike {
  getLogger(name: string, version?: string): LoggerLike;
}

export interface LogsApiLike {
  getLoggerProvider(): LoggerProviderLike;
}

export type ModuleLoader = (id: string) => unknown;

/** Where `logs` is looked for, in order of preference. */
export const LOGS_API_MODULES = ['@opentelemetry/api', '@opentelemetry/api-logs'] as const;

function logsOf(mod: unknown): LogsApiLike | undefined {
  const logs = (mod as { logs?: { getLoggerProvider?: unknown } } | null | undefined)?.logs;
  return logs !== undefined && logs !== null && typeof logs.getLoggerProvider === 'function' ? (logs as LogsApiLike) : undefined;
}

/** One logs API and the logger obtained from its current global provider. */
class LoggerSlot {
  private provider: LoggerProviderLike | undefined;
  private logger: LoggerLike | undefined;

  constructor(
    private readonly api: () => LogsApiLike | undefined,
    private readonly scope: string,
    private readonly version: string,
  ) {}

  /** Re-resolved when the app registers (or replaces) its provider; cached otherwise. */
  current(): LoggerLike | undefined {
    const provider = this.api()?.getLoggerProvider();
    if (provider === undefined) return undefined;
    if (provider !== this.provider || this.logger === undefined) {
      this.logger = provider.getLogger(this.scope, this.version);
      this.provider = provider;
    }
    return this.logger;
  }
}

export class LogsResolver {
  private slots: LoggerSlot[] | undefined;

  constructor(
    private readonly load: ModuleLoader,
    private readonly scope: string,
    private readonly version: string,
  ) {}

  /** How many logs APIs were found (0, 1 or 2); resolves them on first use. */
  get apiCount(): number {
    return this.resolved().length;
  }

  /**
   * The logger that would record an event with these options, or undefined when none
   * would: with no SDK registered this is one `enabled()` call and nothing else.
   */
  loggerFor(options: EnabledOptions): LoggerLike | undefined {
    const slots = this.resolved();
    for (let i = 0; i < slots.length; i++) {
      const logger = slots[i]!.current();
      if (logger === undefined) continue;
      if (typeof logger.enabled !== 'function' || logger.enabled(options)) return logger;
    }
    return undefined;
  }

  private resolved(): LoggerSlot[] {
    if (this.slots !== undefined) return this.slots;
    const slots: LoggerSlot[] = [];
    for (const id of LOGS_API_MODULES) {
      let mod: unknown;
      try {
        mod = this.load(id);
      } catch {
        continue; // not installed: fine
      }
      if (logsOf(mod) === undefined) continue;
      const load = this.load;
      slots.push(new LoggerSlot(() => logsOf(load(id)), this.scope, this.version));
    }
    this.slots = slots;
    return slots;
  }
}
