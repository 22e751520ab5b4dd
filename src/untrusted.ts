// User input from outside HTTP (queue consumers, CLIs, RPC) and values the app knows are
// untrusted inside a request.
import { RequestContext } from './context/request-context';
import { contextStore, currentContext } from './context/store';
import { DEFAULT_CONFIG } from './config/defaults';
import type { InputSource } from './detect/types';
import { agentState } from './state';

export interface UntrustedInput {
  /** Defaults to 'custom'. */
  readonly source?: InputSource;
  /** Reported as the input's path, e.g. `message.payload`. */
  readonly name: string;
  /** A string, or an object/array whose strings are all untrusted. */
  readonly value: unknown;
}

/**
 * Runs `fn` with sinks protected against `inputs`. Inside an existing request the inputs
 * join that request's; otherwise `fn` runs in a fresh context of its own.
 */
export function withInput<T>(inputs: UntrustedInput | readonly UntrustedInput[], fn: () => T): T {
  const list = Array.isArray(inputs) ? inputs : [inputs as UntrustedInput];
  const existing = currentContext();
  const ctx = existing ?? new RequestContext(agentState()?.config.limits ?? DEFAULT_CONFIG.limits);
  for (const input of list) ctx.addInput(input.source ?? 'custom', input.name, input.value);
  return existing === undefined ? contextStore.run(ctx, fn) : fn();
}

/** Adds a value to the current request's untrusted inputs; returns it unchanged. */
export function markUntrusted<T>(value: T, name = 'marked'): T {
  currentContext()?.addInput('custom', name, value);
  return value;
}
