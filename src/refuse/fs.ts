// What a refused fs stream or watcher call hands back: a real ReadStream/WriteStream that
// fails to open the way a missing file fails it ('error', then 'close'), through the
// stream's own `fs` option, so nothing is opened; a watcher that emits 'error' and 'close'.
import { EventEmitter } from 'node:events';
import type { RampartBlockedError } from '../errors';
import { deliverableError, failLater } from './index';

type AnyFunction = (...args: any[]) => any;

/** The file system the refused stream uses: opening fails with the refusal, nothing else runs. */
function failingFs(error: RampartBlockedError, stream: { current?: unknown }): object {
  const never = (..._args: unknown[]): void => {
    // Never called: the stream is destroyed when its open fails.
  };
  return {
    open(_path: unknown, _flags: unknown, _mode: unknown, callback: AnyFunction): void {
      // A macrotask later, like a real open: the app's listeners are attached by then.
      setImmediate(() => {
        deliverableError(stream.current);
        callback(error);
      });
    },
    close: (_fd: unknown, callback: AnyFunction) => process.nextTick(callback, null),
    read: never,
    write: never,
    writev: never,
  };
}

/** createReadStream / createWriteStream refused: the original builds the stream, with a failing fs. */
export function refusedStream(original: AnyFunction, self: unknown, args: ArrayLike<unknown>, error: RampartBlockedError): unknown {
  const given: unknown = args[1];
  const options: Record<string, unknown> = typeof given === 'string' ? { encoding: given } : given !== null && typeof given === 'object' ? { ...(given as object) } : {};
  delete options.fd; // a stream on an open descriptor would never call open
  const stream: { current?: unknown } = {};
  options.fs = failingFs(error, stream);
  stream.current = original.call(self, args[0], options);
  return stream.current;
}

/** fs.watch / fs.watchFile refused: a watcher that never watched, failing asynchronously. */
export function refusedWatcher(error: RampartBlockedError): EventEmitter {
  const watcher = Object.assign(new EventEmitter(), {
    close(): void {},
    ref() {
      return watcher;
    },
    unref() {
      return watcher;
    },
  });
  return failLater(watcher, (w) => {
    w.emit('error', error);
    w.emit('close');
  });
}
