// Replacing a function while keeping everything the app can observe about it: name,
// length, own properties (util.promisify.custom, static members), prototype, and the
// property's attributes. Patch and unpatch are symmetric.
//
// Other tools wrap the same functions, before or after rampart, and unwrap theirs later
// (docs/coexistence.md). Three rules keep both sides in place:
// - rampart's wrapper carries no marker another tool could take for its own: which
//   functions are rampart's is known only here (a WeakMap), so OpenTelemetry's
//   "unwrap whatever looks shimmer-wrapped before wrapping" never reaches it, and a tool
//   that copies a wrapper's own properties onto its own wrapper copies no marker.
// - Where rampart wraps a shimmer-style wrapper (OpenTelemetry, Sentry, elastic-apm), it
//   answers shimmer's protocol for that layer: `__wrapped`/`__original`/`__unwrap` read
//   through to it, and `__unwrap()` takes it out from under rampart, which stays on top.
// - A wrapper calls its hook through a switch: stop() restores the original only where
//   the property still holds rampart's wrapper; under another tool's wrapper it turns the
//   switch off instead (a pass-through), and the next start() turns it back on.

type AnyFunction = (...args: any[]) => any;
type Key = string | symbol;

interface Layer {
  readonly outer: AnyFunction;
  /** What the property held when rampart wrapped it. */
  readonly original: AnyFunction;
  /** The owner's own descriptor then; undefined when the method was inherited. */
  readonly saved: PropertyDescriptor | undefined;
  /** What the wrapper runs: the original, unless a tool's layer below was unwrapped. */
  inner: AnyFunction;
  /** The hook's wrapper around `inner`, rebuilt when `inner` changes. */
  hooked: AnyFunction;
  make: (original: AnyFunction) => AnyFunction;
  active: boolean;
}

const layers = new WeakMap<AnyFunction, Layer>();
/** The layer rampart keeps per property, found again by the next start() after stop(). */
const placed = new WeakMap<object, Map<Key, Layer>>();
/** How far to follow wrappers of wrappers looking for rampart's layer. */
const MAX_CHAIN = 64;

/** Whether `fn` is a rampart wrapper that is running its hook. */
export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && layers.get(fn as AnyFunction)?.active === true;
}

/** The function a rampart wrapper runs when it passes the call on (for tests and tools). */
export function originalOf(fn: unknown): unknown {
  return typeof fn === 'function' ? (layers.get(fn as AnyFunction)?.inner ?? undefined) : undefined;
}

/** Wraps `owner[name]` once; a second call while it is wrapped is a no-op. */
export function wrapMethod(owner: object, name: Key, makeWrapper: (original: AnyFunction) => AnyFunction): void {
  const target = owner as Record<Key, unknown>;
  const current = target[name];
  if (typeof current !== 'function' || isWrapped(current)) return;
  const byName = placed.get(owner);
  const previous = byName?.get(name);
  if (previous !== undefined) {
    if (previous.active) return;
    // Stopped under another tool's wrapper: switch the same layer back on, so references
    // taken to it meanwhile (a tool's wrapper, a server's own emit) are protected again.
    if (reaches(current, previous)) {
      previous.make = makeWrapper;
      previous.hooked = makeWrapper(previous.inner);
      previous.active = true;
      return;
    }
  }
  const saved = Object.getOwnPropertyDescriptor(owner, name);
  // A non-configurable, read-only property cannot be replaced (nor by anyone else).
  if (saved !== undefined && saved.configurable === false && saved.writable !== true) return;
  const layer = placeLayer(current as AnyFunction, saved, makeWrapper);
  const enumerable = saved?.enumerable ?? false;
  const descriptor = saved !== undefined && 'value' in saved ? { ...saved, value: layer.outer } : { value: layer.outer, writable: true, enumerable, configurable: true };
  Object.defineProperty(owner, name, descriptor);
  if (byName === undefined) placed.set(owner, new Map([[name, layer]]));
  else byName.set(name, layer);
}

/**
 * Takes rampart's hook off `owner[name]`: the original comes back where the property
 * still holds rampart's wrapper; under another tool's wrapper, rampart's wrapper stays
 * and only passes calls on (removing it would remove the other tool's wrapper too).
 */
export function unwrapMethod(owner: object, name: Key): void {
  const byName = placed.get(owner);
  const layer = byName?.get(name);
  if (layer === undefined || !layer.active) return;
  layer.active = false;
  const own = Object.getOwnPropertyDescriptor(owner, name);
  if (own === undefined || own.value !== layer.outer) return;
  byName!.delete(name);
  if (layer.inner === layer.original && layer.saved === undefined) delete (owner as Record<Key, unknown>)[name];
  else if (layer.inner === layer.original) Object.defineProperty(owner, name, layer.saved!);
  else Object.defineProperty(owner, name, { ...own, value: layer.inner });
}

function placeLayer(original: AnyFunction, saved: PropertyDescriptor | undefined, make: (original: AnyFunction) => AnyFunction): Layer {
  const hooked = make(original);
  const layer: Layer = { outer: undefined as unknown as AnyFunction, original, saved, inner: original, hooked, make, active: true };
  const outer = switchFor(layer, original);
  (layer as { outer: AnyFunction }).outer = outer;
  // The hook's own additions first (a replaced util.promisify.custom, possibly not
  // configurable), then the original's shape around them.
  for (const key of Reflect.ownKeys(hooked)) {
    if (FUNCTION_KEYS.has(key)) continue;
    Object.defineProperty(outer, key, Object.getOwnPropertyDescriptor(hooked, key)!);
  }
  copyFunctionShape(original, outer);
  if (isShimmerWrapped(original)) answerShimmer(layer);
  layers.set(outer, layer);
  return layer;
}

/**
 * The function that sits in the property: runs the hook while rampart runs, the inner
 * function otherwise. It takes the original's kind where an app can see it: a method or
 * an async function (fs/promises) has no own `prototype` and is not a constructor.
 */
function switchFor(layer: Layer, original: AnyFunction): AnyFunction {
  const out = Object.hasOwn(original, 'prototype')
    ? function (this: unknown): unknown {
        const fn = layer.active ? layer.hooked : layer.inner;
        // eslint-disable-next-line prefer-rest-params
        const args = arguments as unknown as unknown[];
        return new.target === undefined ? fn.apply(this, args) : Reflect.construct(fn, args, new.target);
      }
    : {
        wrapper(this: unknown): unknown {
          // eslint-disable-next-line prefer-rest-params
          return (layer.active ? layer.hooked : layer.inner).apply(this, arguments as unknown as unknown[]);
        },
      }.wrapper;
  const proto = Object.getPrototypeOf(original) as object | null;
  if (Object.getPrototypeOf(out) !== proto) Object.setPrototypeOf(out, proto);
  return out;
}

/** OpenTelemetry's test for a shimmer wrapper (instrumentation's isWrapped). */
function isShimmerWrapped(fn: unknown): fn is AnyFunction & { __original: AnyFunction } {
  try {
    const f = fn as { __original?: unknown; __unwrap?: unknown; __wrapped?: unknown };
    return typeof fn === 'function' && typeof f.__original === 'function' && typeof f.__unwrap === 'function' && f.__wrapped === true;
  } catch {
    return false;
  }
}

/**
 * rampart's wrapper over a shimmer wrapper answers for that wrapper: a tool that unwraps
 * (OpenTelemetry's disable(), or its wrap, which unwraps first) takes its own layer out
 * from under rampart's, the way it would have without rampart; rampart stays on top.
 * Read through `this` so a copy of these accessors on another tool's wrapper says nothing.
 */
function answerShimmer(layer: Layer): void {
  const below = (self: unknown): (AnyFunction & { __original: AnyFunction }) | undefined =>
    self === layer.outer && isShimmerWrapped(layer.inner) ? layer.inner : undefined;
  const unwrapBelow = (): void => {
    const wrapped = below(layer.outer);
    if (wrapped === undefined) return;
    layer.inner = wrapped.__original;
    layer.hooked = layer.make(layer.inner);
  };
  const accessors: Record<string, (this: unknown) => unknown> = {
    __wrapped(this: unknown) {
      return below(this) === undefined ? undefined : true;
    },
    __original(this: unknown) {
      return below(this)?.__original;
    },
    __unwrap(this: unknown) {
      return below(this) === undefined ? undefined : unwrapBelow;
    },
  };
  for (const [key, get] of Object.entries(accessors)) Object.defineProperty(layer.outer, key, { get, enumerable: false, configurable: true });
}

/** Whether rampart's `layer` is still on the way from `fn` (the property's value) to the original. */
function reaches(fn: unknown, layer: Layer): boolean {
  let at = fn;
  for (let i = 0; i < MAX_CHAIN && typeof at === 'function'; i++) {
    if (at === layer.outer) return true;
    const own = layers.get(at as AnyFunction);
    at = own !== undefined ? own.inner : isShimmerWrapped(at) ? at.__original : undefined;
  }
  return false;
}

const FUNCTION_KEYS = new Set<Key>(['length', 'name', 'prototype', 'arguments', 'caller']);
// A shimmer wrapper's own markers describe that wrapper, not rampart's (see answerShimmer).
const SKIP = new Set<Key>(['length', 'name', 'arguments', 'caller', '__original', '__unwrap', '__wrapped']);

function copyFunctionShape(original: AnyFunction, wrapper: AnyFunction): void {
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  for (const key of Reflect.ownKeys(original)) {
    if (SKIP.has(key) || (Object.hasOwn(wrapper, key) && key !== 'prototype')) continue;
    const descriptor = Object.getOwnPropertyDescriptor(original, key)!;
    try {
      Object.defineProperty(wrapper, key, descriptor);
    } catch {
      // A non-configurable own property of the wrapper (`prototype` on classes): keep ours.
    }
  }
}
