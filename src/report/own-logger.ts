// rampart's own logger (`logger: 'pino'`, the default) without loading pino at start-up.
// Levels are compared here; pino is loaded, synchronously, at the first enabled line, so
// a finding or a warning is written exactly as before. The one line every process writes,
// the start-up announcement, is a fixed flat record: it is written here in pino's JSON
// shape, so a process that logs nothing else never loads pino.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import type pino from 'pino';
import type { Config, LogLevel } from '../config/types';
import type { LineLevel, RampartLogger } from './logger';
import { contextStore } from '../context/store';
import type { ownPino as OwnPino } from './own-pino';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ownPino: typeof OwnPino = (config, load) => (require('./own-pino') as typeof import('./own-pino')).ownPino(config, load);

const LEVEL_VALUES: Readonly<Record<LogLevel, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

// Captured before rampart's and other agents' require hooks go in: pino is loaded late
// now, and must come out as it did when loaded at start (not wrapped by an OpenTelemetry
// pino instrumentation the app registered meanwhile).
const requireAtStart = Module.prototype.require;

export function ownLogger(config: Config): RampartLogger {
  const threshold = LEVEL_VALUES[config.logLevel];
  const enabled = (level: LineLevel): boolean => LEVEL_VALUES[level] >= threshold;
  let loaded: RampartLogger | undefined;
  // Outside the request context, like every late load (see lazily()).
  const real = (): RampartLogger => (loaded ??= contextStore.exit(() => ownPino(config, () => requireAtStart.call(module, 'pino') as typeof pino)));
  const line = (level: LineLevel) => (fields: object, message?: string): void => {
    if (enabled(level)) real()[level](fields, message);
  };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    isLevelEnabled: enabled,
    flush: () => loaded?.flush(),
    bridged: false,
    get pino() {
      return real().pino;
    },
    announce(fields, message) {
      if (!enabled('info')) return;
      if (loaded !== undefined) loaded.info(fields, message);
      else writeLine(config.logDestination, { level: 'info', time: new Date().toISOString(), pid: process.pid, name: 'rampart', ...fields, msg: message });
    },
  };
}

/**
 * One line, written synchronously: at start-up no request waits, and the line is out
 * before any later asynchronous pino line. A destination that cannot be written costs
 * the line, never the start (as with pino's destination).
 */
function writeLine(destination: string, record: object): void {
  const text = `${JSON.stringify(record)}\n`;
  try {
    if (destination === 'stdout' || destination === 'stderr') {
      writeSync(destination === 'stdout' ? 1 : 2, text);
      return;
    }
    mkdirSync(dirname(destination), { recursive: true });
    const fd = openSync(destination, 'a');
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch {
    // EPIPE, EACCES, a full disk: the line is lost, the app starts.
  }
}
