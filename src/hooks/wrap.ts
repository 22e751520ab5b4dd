// Replacing a function while keeping everything the app can observe about it: name,
// length, own properties (util.promisify.custom, static members), prototype, and the
// property's enumerability. Patch and unpatch are symmetric.
import shimmer from 'shimmer';

type AnyFunction = (...args: any[]) => any;
const WRAPPED = Symbol.for('rampart.wrapped');
// Marks a wrapper installed over an inherited method, so unwrapping deletes it again.
const INHERITED = Symbol.for('rampart.inherited');

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[WRAPPED] === true;
}

/** Wraps `owner[name]` once; a second call on the same function is a no-op. */
export function wrapMethod(owner: object, name: string | symbol, makeWrapper: (original: AnyFunction) => AnyFunction): void {
  const target = owner as Record<string | symbol, unknown>;
  const original = target[name];
  if (typeof original !== 'function' || isWrapped(original)) return;
  const inherited = !Object.prototype.hasOwnProperty.call(owner, name);
  shimmer.wrap(target, name as string, (orig: unknown) => {
    const wrapper = makeWrapper(orig as AnyFunction);
    copyFunctionShape(orig as AnyFunction, wrapper);
    Object.defineProperty(wrapper, WRAPPED, { value: true });
    if (inherited) Object.defineProperty(wrapper, INHERITED, { value: true });
    return wrapper;
  });
}

export function unwrapMethod(owner: object, name: string | symbol): void {
  const current = (owner as Record<string | symbol, unknown>)[name];
  if (!isWrapped(current)) return;
  if ((current as unknown as Record<symbol, unknown>)[INHERITED] === true) delete (owner as Record<string | symbol, unknown>)[name];
  else shimmer.unwrap(owner as Record<string, AnyFunction>, name as string);
}

const SKIP = new Set<string | symbol>(['length', 'name', 'arguments', 'caller', '__original', '__unwrap', '__wrapped']);

function copyFunctionShape(original: AnyFunction, wrapper: AnyFunction): void {
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  for (const key of Reflect.ownKeys(original)) {
    if (SKIP.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(original, key)!;
    try {
      Object.defineProperty(wrapper, key, descriptor);
    } catch {
      // A non-configurable own property of the wrapper (e.g. `prototype` on classes): keep ours.
    }
  }
}
