// User input from outside HTTP (queue consumers, CLIs, RPC, job runners) and values the
// app knows are untrusted inside a request (a value fetched from a partner API, a field
// decoded from a custom envelope). Values are stored as they are and walked only when a
// sink is reached, like every other input.
import { requestContexts } from './context/lazy-context';
import { contextStore, currentContext } from './context/store';
import { DEFAULT_CONFIG } from './config/defaults';
import type { InputSource } from './detect/types';
import { otherRunningCopy, type CopyApi } from './running-copy';
import { agentState } from './state';

export interface UntrustedInput {
  /** Defaults to 'custom'. Anything not in InputSource is reported as 'custom'. */
  readonly source?: InputSource;
  /** Reported as the input's path, e.g. `message.payload`; nested values get `name.key`. */
  readonly name: string;
  /** A string, or an object/array whose strings (and non-word keys) are all untrusted. */
  readonly value: unknown;
}

const SOURCES: ReadonlySet<string> = new Set<InputSource>(['query', 'body', 'params', 'headers', 'cookies', 'path', 'graphql', 'jwt', 'xml', 'websocket', 'custom']);

/**
 * Runs `fn` with sinks protected against `inputs`, and returns what `fn` returns (a
 * promise included: the context follows every await, timer and callback of `fn`).
 * Inside an existing request the inputs join that request's for the rest of it;
 * otherwise `fn` runs in a fresh context of its own, which ends with `fn`.
 */
export function withInput<T>(inputs: UntrustedInput | readonly UntrustedInput[], fn: () => T): T {
  const other = otherRunningCopy(OWN_API);
  if (other !== undefined) return other.withInput(inputs as never, fn) as T;
  const list = Array.isArray(inputs) ? inputs : [inputs as UntrustedInput];
  const existing = currentContext();
  const ctx = existing ?? new (requestContexts().RequestContext)(agentState()?.config.limits ?? DEFAULT_CONFIG.limits);
  for (const input of list) {
    if (input === null || typeof input !== 'object') continue;
    ctx.addInput(sourceOf(input.source), String(input.name ?? ''), input.value);
  }
  return existing === undefined ? contextStore.run(ctx, fn) : fn();
}

/**
 * Adds a value to the current request's (or withInput's) untrusted inputs and returns
 * it unchanged. Outside any context there is nothing to attach it to: it is returned
 * unchanged and nothing is recorded (wrap the work in withInput instead).
 */
export function markUntrusted<T>(value: T, name = 'marked', source: InputSource = 'custom'): T {
  const other = otherRunningCopy(OWN_API);
  if (other !== undefined) return other.markUntrusted(value, name, source as never) as T;
  currentContext()?.addInput(sourceOf(source), String(name), value);
  return value;
}

/** This copy's input API, published while it runs (running-copy.ts). */
export const OWN_API: CopyApi = { withInput, markUntrusted } as CopyApi;

function sourceOf(source: unknown): InputSource {
  return typeof source === 'string' && SOURCES.has(source) ? (source as InputSource) : 'custom';
}
