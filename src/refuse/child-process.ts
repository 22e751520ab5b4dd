// What a refused child_process call hands back: the object of the API's own shape, failed
// the way Node fails a program that could not be started (spawn of a missing program):
// a real ChildProcess with no `pid` that emits 'error' and then 'close'; exec/execFile
// also call their callback with the error; spawnSync returns `{ error }`.
import { ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import type { RampartBlockedError } from '../errors';
import { failLater, lastFunctionIndex } from './index';

type AnyFunction = (...args: any[]) => any;

/** How the refused call was made: what the child would have run, with which stdio. */
export interface RefusedSpawn {
  readonly file: string;
  readonly args: readonly unknown[];
  readonly options: { stdio?: unknown; encoding?: unknown } | undefined;
  /** fork(): the child would have had an IPC channel (`send`, `disconnect`). */
  readonly ipc: boolean;
}

/** Whether stdio slot `i` is a pipe, read the way Node reads the `stdio` option. */
function isPipe(stdio: unknown, i: number, byDefault: boolean): boolean {
  if (stdio === undefined || stdio === null) return byDefault;
  const slot = Array.isArray(stdio) ? (stdio[i] as unknown) : stdio;
  if (slot === undefined || slot === null) return Array.isArray(stdio) ? byDefault : false;
  return slot === 'pipe' || slot === 'overlapped';
}

function emptyInput(): Writable {
  // Writes before the failure go nowhere, as to a program that never read them.
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

function emptyOutput(): Readable {
  const out = new Readable({ read() {} });
  out.push(null); // ends as soon as it is read: the program printed nothing
  return out;
}

/** A ChildProcess that never started; `onFailure` runs just before its 'error' event. */
export function refusedChildProcess(error: RampartBlockedError, spawn: RefusedSpawn, onFailure?: () => void): ChildProcess {
  const child = new ChildProcess();
  const pipes = !spawn.ipc; // fork() inherits stdio by default
  const stdin = isPipe(spawn.options?.stdio, 0, pipes) ? emptyInput() : null;
  const stdout = isPipe(spawn.options?.stdio, 1, pipes) ? emptyOutput() : null;
  const stderr = isPipe(spawn.options?.stdio, 2, pipes) ? emptyOutput() : null;
  Object.assign(child, { spawnfile: spawn.file, spawnargs: [spawn.file, ...spawn.args.map(String)], stdin, stdout, stderr, stdio: [stdin, stdout, stderr] });
  if (spawn.ipc) {
    // A child whose channel is closed: send() reports through its callback or 'error'.
    Object.assign(child, {
      connected: false,
      send(this: ChildProcess, ...args: unknown[]): boolean {
        const i = lastFunctionIndex(args);
        if (i !== -1) process.nextTick(args[i] as AnyFunction, error);
        return false;
      },
      disconnect(): void {},
    });
  }
  return failLater(child, (c) => {
    onFailure?.();
    c.emit('error', error);
    stdin?.destroy();
    c.emit('close', null, null);
  });
}

/** exec/execFile: the refused child, and the callback gets (error, stdout, stderr) like Node's. */
export function refusedExec(error: RampartBlockedError, spawn: RefusedSpawn, callback: unknown): ChildProcess {
  if (typeof callback !== 'function') return refusedChildProcess(error, spawn);
  const empty = spawn.options?.encoding === 'buffer' ? Buffer.alloc(0) : '';
  // Node's exec child carries its own 'error' listener (the callback gets the error).
  return refusedChildProcess(error, spawn, () => (callback as AnyFunction)(error, empty, empty));
}

/** spawnSync reports a program that could not start in its result, without throwing. */
export function refusedSpawnSync(error: RampartBlockedError): SpawnSyncReturns<Buffer> {
  return { error, status: null, signal: null, output: null as unknown as Array<Buffer | null>, pid: 0, stdout: null as unknown as Buffer, stderr: null as unknown as Buffer };
}
