// rampart's log lines: findings and agent messages. By default rampart's own pino logger
// writes JSON lines asynchronously (never blocking a request) to `logDestination` at
// `logLevel`; `logger: 'none'` writes nothing; `logger: <the app's logger>` routes every
// line through the app's logger, level and transport. rampart's own logger loads pino at
// its first line after start-up (own-logger.ts): most processes never write one.
import type pino from 'pino';
import type { AppLogger, Config } from '../config/types';
import { ownLogger } from './own-logger';

export type LineLevel = 'debug' | 'info' | 'warn' | 'error';

export interface RampartLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  isLevelEnabled(level: LineLevel): boolean;
  flush(): void;
  /**
   * The lines reach an OpenTelemetry log bridge (instrumentation-pino's stream): a
   * finding's line would become a second LogRecord next to rampart's own event.
   */
  readonly bridged: boolean;
  /** rampart's own pino logger, when it is the one in use (loaded on first read). */
  readonly pino?: pino.Logger;
  /**
   * The start-up line, at info level. rampart's own logger writes it without loading pino
   * (own-logger.ts); other loggers write it as an info line (see `announce`).
   */
  announce?(fields: object, message: string): void;
}

/** Writes the start-up line through `logger.announce` when it has one, else as info. */
export function announce(logger: RampartLogger, fields: object, message: string): void {
  if (logger.announce !== undefined) logger.announce(fields, message);
  else logger.info(fields, message);
}

export function createLogger(config: Config): RampartLogger {
  const setting = config.logger;
  if (setting === 'none') return SILENT;
  if (setting === 'pino') return ownLogger(config);
  return appLogger(setting);
}

const noop = (): void => {};

const SILENT: RampartLogger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  isLevelEnabled: () => false,
  flush: noop,
  bridged: false,
});

/** The app's logger, called pino-style; a throwing logger costs the line, never the call. */
function appLogger(app: AppLogger): RampartLogger {
  const write = (level: LineLevel) => (fields: object, message?: string): void => {
    const method = app[level];
    if (typeof method !== 'function') return;
    try {
      method.call(app, fields, message);
    } catch {
      // The app's logger failed; rampart's call must not.
    }
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    isLevelEnabled: (level) => {
      if (typeof app[level] !== 'function') return false;
      try {
        return typeof app.isLevelEnabled === 'function' ? app.isLevelEnabled(level) !== false : true;
      } catch {
        return true;
      }
    },
    flush: () => {
      try {
        app.flush?.();
      } catch {
        // nothing to do
      }
    },
    bridged: feedsOtelBridge(app),
  };
}

/**
 * Whether a pino logger's stream is instrumentation-pino's multistream (the stream is kept
 * under a symbol whose description is `pino.stream`, whichever pino copy made the logger).
 */
export function feedsOtelBridge(logger: object): boolean {
  try {
    const sym = Object.getOwnPropertySymbols(logger).find((s) => s.description === 'pino.stream');
    if (sym === undefined) return false;
    const stream = (logger as Record<symbol, unknown>)[sym] as { streams?: ReadonlyArray<{ stream?: unknown }> } | undefined;
    const streams = stream?.streams;
    if (!Array.isArray(streams)) return false;
    return streams.some((entry) => (entry?.stream as { constructor?: { name?: unknown } } | undefined)?.constructor?.name === 'OTelPinoStream');
  } catch {
    return false;
  }
}
