// rampart's own pino logger, built when its first line after start-up is written
// (own-logger.ts): loading pino costs more start-up time than the rest of rampart.
import type pino from 'pino';
import type { Config } from '../config/types';
import type { RampartLogger } from './logger';

type Pino = typeof pino;

/** A pino logger writing JSON lines asynchronously to `logDestination` at `logLevel`. */
export function ownPino(config: Config, load: () => Pino): RampartLogger {
  const pino = load();
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
