// Delivers a refusal (the guard's RampartBlockedError) in the style of the API that was
// called, through the channel the app already handles for that API's own failures
// (docs/refusals.md is the contract):
// - callback APIs: the error goes to the callback, asynchronously;
// - promise APIs: a rejected promise;
// - event-emitter APIs: an object of the kind the API returns, failed like Node fails it
//   ('error' then 'close', asynchronously, so the app's listeners are attached by then);
// - synchronous APIs: a throw, only where the original throws for its own failures.
// No refusal becomes an uncaught exception: an emitter nobody listens to for 'error' gets
// the error swallowed (the finding is reported and the request answered already).
import type { EventEmitter } from 'node:events';
import type { RampartBlockedError } from '../errors';

type AnyFunction = (...args: any[]) => any;

/** Index of the last function argument, or -1. */
export function lastFunctionIndex(args: ArrayLike<unknown>): number {
  for (let i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return i;
  return -1;
}

/** Calls a node-style callback with the error on the next tick, as Node reports operational errors. */
export function refuseToCallback(callback: unknown, error: RampartBlockedError, ...results: unknown[]): void {
  if (typeof callback === 'function') process.nextTick(callback as AnyFunction, error, ...results);
}

/**
 * The error goes to the last function argument. A call without one is refused with a
 * throw: Node and the drivers throw for a missing callback themselves.
 */
export function refuseToLastCallback(args: ArrayLike<unknown>, error: RampartBlockedError): undefined {
  const i = lastFunctionIndex(args);
  if (i === -1) throw error;
  process.nextTick(args[i] as AnyFunction, error);
  return undefined;
}

/** A promise API: rejected with the error (in the driver's own Promise class, when it has one). */
export function refusedPromise(error: RampartBlockedError, PromiseClass: PromiseConstructor = Promise): Promise<never> {
  return PromiseClass.reject(error);
}

/** A synchronous API that throws for its own failures (execSync, readFileSync, better-sqlite3). */
export function refuseSync(error: RampartBlockedError): never {
  throw error;
}

/** An async iterator whose first `next()` rejects (fs.promises.watch). */
export async function* refusedIterator(error: RampartBlockedError): AsyncGenerator<never> {
  throw error;
}

function swallow(): void {
  // The refusal was reported and the request answered; nobody asked for the event.
}

/**
 * Makes sure an 'error' about to be emitted on `emitter` reaches the app's listeners if
 * it has any, and is dropped otherwise, instead of becoming an uncaught exception.
 * Call it at emit time, when the app has attached what it will attach.
 */
export function deliverableError(emitter: unknown): void {
  const e = emitter as EventEmitter | null | undefined;
  if (e === null || e === undefined || typeof e.listenerCount !== 'function') return;
  if (e.listenerCount('error') === 0) e.once('error', swallow);
}

/**
 * Fails an emitter the app got back, a macrotask later (every listener the app attaches
 * in the same tick and its microtasks is in place): `fail` emits the error the way the
 * object's own failures are emitted.
 */
export function failLater<E>(emitter: E, fail: (emitter: E) => void): E {
  setImmediate(() => {
    deliverableError(emitter);
    fail(emitter);
  });
  return emitter;
}
