// rampart's log lines: findings and agent messages. By default rampart's own pino logger
// writes JSON lines asynchronously (never blocking a request) to `logDestination` at
// `logLevel`; `logger: 'none'` writes nothing; `logger: <the app's logger>` routes every
// line through the app's logger, level and transport.
import pino from 'pino';
import type { AppLogger, Config } from '../config/types';

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
  /** rampart's own pino logger, when it is the one in use. */
  readonly pino?: pino.Logger;
}

export function createLogger(config: Config): RampartLogger {
  const setting = config.logger;
  if (setting === 'none') return SILENT;
  if (setting === 'pino') return ownPino(config);
  return appLogger(setting);
}

function ownPino(config: Config): RampartLogger {
  const dest = config.logDestination;
  const fd = dest === 'stdout' ? 1 : dest === 'stderr' ? 2 : undefined;
  const destination = pino.destination(fd !== undefined ? { dest: fd, sync: false } : { dest, sync: false, mkdir: true });
  // A broken destination (EPIPE on a closed stdout, a full disk) must not crash the app:
  // without a listener the stream's 'error' event would be thrown.
  destination.on('error', () => {});
  const logger = pino(
    {
      name: 'rampart',
      level: config.logLevel,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  // @opentelemetry/instrumentation-pino (on by default in auto-instrumentations) swaps the
  // stream of every logger pino creates for a multistream that also feeds the Logs API.
  // rampart emits its findings to the Logs API itself, with an event name; bridged, each
  // would arrive twice. Its own logger is rampart's to configure: it writes to its
  // destination only. (The app's loggers keep their bridge.)
  const streamSym = pino.symbols.streamSym as unknown as keyof typeof logger;
  if (logger[streamSym] !== (destination as unknown)) (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = destination;
  return {
    debug: (fields, message) => logger.debug(fields, message),
    info: (fields, message) => logger.info(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => logger.error(fields, message),
    isLevelEnabled: (level) => logger.isLevelEnabled(level),
    flush: () => logger.flush(),
    bridged: false,
    pino: logger,
  };
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
