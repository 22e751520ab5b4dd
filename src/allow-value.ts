// rampart.allow(value): the app says it validated a value against its own allowlist (a sort
// list, an operator, a command from a fixed set) before putting it into a query or command.
// For the rest of the current request, inputs whose value is exactly that text are not
// blamed for the structure they add. See docs/configuration.md ("Validated values") for the
// exact risk.
import type { RequestContext } from './context/request-context';
import { currentContext } from './context/store';

const allowed = new WeakMap<RequestContext, Set<string>>();

/**
 * Declares `value` validated by the app for the current request and returns it unchanged.
 * Outside a request there is nothing to attach it to and nothing is recorded.
 */
export function allow<T>(value: T): T {
  if (typeof value !== 'string' || value.length === 0) return value;
  const ctx = currentContext();
  if (ctx === undefined) return value;
  let values = allowed.get(ctx);
  if (values === undefined) allowed.set(ctx, (values = new Set()));
  values.add(value);
  return value;
}

export function hasAppAllowedValues(ctx: RequestContext): boolean {
  return allowed.has(ctx);
}

/** Whether the app declared exactly this value validated in this request. */
export function appAllowed(ctx: RequestContext, value: string): boolean {
  return allowed.get(ctx)?.has(value) ?? false;
}
