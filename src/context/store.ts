import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestContext } from './request-context';

/** Carries the current request through awaits, timers, callbacks and driver pools. */
export const contextStore = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return contextStore.getStore();
}
