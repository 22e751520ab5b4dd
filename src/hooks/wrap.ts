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
  const inherited = !Object.hasOwn(owner, name);
  shimmer.wrap(target, name as string, (orig: unknown) => {
    const wrapper = likeOriginal(orig as AnyFunction, makeWrapper(orig as AnyFunction));
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

/**
 * Gives the wrapper the original's kind where an app can see it: an async function or a
 * method (fs/promises) has no own `prototype` and inherits from AsyncFunction.prototype,
 * while a `function` wrapper has a non-deletable `prototype` and inherits from
 * Function.prototype. Only such originals pay for the extra call frame.
 */
function likeOriginal(original: AnyFunction, wrapper: AnyFunction): AnyFunction {
  let out = wrapper;
  if (!Object.hasOwn(original, 'prototype') && Object.hasOwn(wrapper, 'prototype')) {
    const inner = wrapper;
    // A method has no `prototype` and is not a constructor, like the original.
    out = {
      wrapper(this: unknown): unknown {
        // eslint-disable-next-line prefer-rest-params
        return inner.apply(this, arguments as unknown as unknown[]);
      },
    }.wrapper;
    // Keep what the hook put on its wrapper (a replaced util.promisify.custom).
    for (const key of Reflect.ownKeys(inner)) {
      if (key === 'length' || key === 'name' || key === 'prototype') continue;
      Object.defineProperty(out, key, Object.getOwnPropertyDescriptor(inner, key)!);
    }
  }
  const proto = Object.getPrototypeOf(original) as object | null;
  if (Object.getPrototypeOf(out) !== proto) Object.setPrototypeOf(out, proto);
  return out;
}

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
