// rampart's own pino logger: findings and agent messages as JSON lines, written
// asynchronously so logging never blocks a request. Destination (`logDestination`:
// stdout, stderr or a file) and level (`logLevel`) come from the configuration.
import pino, { type Logger } from 'pino';
import type { Config } from '../config/types';

export function createLogger(config: Config): Logger {
  const dest = config.logDestination;
  const fd = dest === 'stdout' ? 1 : dest === 'stderr' ? 2 : undefined;
  const destination = pino.destination(fd !== undefined ? { dest: fd, sync: false } : { dest, sync: false, mkdir: true });
  // A broken destination (EPIPE on a closed stdout, a full disk) must not crash the app:
  // without a listener the stream's 'error' event would be thrown.
  destination.on('error', () => {});
  return pino(
    {
      name: 'rampart',
      level: config.logLevel,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
