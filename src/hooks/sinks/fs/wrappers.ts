// The wrapper every path-taking fs function gets. fs runs constantly (module loading
// reads files), so the clean path is: one flag test, the guard's own early return (no
// request context or no inputs), then the original call with `arguments` untouched.
import { promisify } from 'node:util';
import type { RampartBlockedError } from '../../../errors';
import { failOpenLoader, guard, pathInputsPossible } from '../../../guard-gates';
import { refusedIterator, refusedPromise, refuseSync, refuseToLastCallback } from '../../../refuse';
import type * as PathCheck from '../../../checks/path';
import type * as FsRefusals from '../../../refuse/fs';
import type { RefusalStyle } from './sinks';

type AnyFunction = (...args: any[]) => any;

// The path check loads with the first fs call that needs one (a request whose inputs can
// do something to a path), and the stream and watcher refusals with it: a verdict can then
// always be delivered, since one only comes from a check that loaded.
/* eslint-disable @typescript-eslint/no-require-imports */
const pathChecking = failOpenLoader('load:fs-check', () => ({
  detector: (require('../../../checks/path') as typeof PathCheck).fsSinkDetector,
  refusals: require('../../../refuse/fs') as typeof FsRefusals,
}));
/* eslint-enable @typescript-eslint/no-require-imports */

// Set while the guard runs, so fs calls made by reporting (or anything else the guard
// reaches) are never checked themselves: no recursion, no findings about ourselves.
let busy = false;

/** Asks the guard about one path; returns the refusal, or undefined to go ahead. */
function check(sink: string, path: unknown): RampartBlockedError | undefined {
  if (busy) return undefined;
  // Most requests carry no input that can do anything to a path (no `..` segment, leading
  // slash, NUL or encoding), and an fs call is a cheap system call, after which every
  // object and function the guard touches is a cache miss: skip the guard then.
  if (!pathInputsPossible()) return undefined;
  busy = true;
  try {
    const detector = pathChecking()?.detector;
    return detector === undefined ? undefined : guard()?.guardSink(detector, sink, path);
  } finally {
    busy = false;
  }
}

function refuse(style: RefusalStyle, error: RampartBlockedError, original: AnyFunction, self: unknown, args: IArguments): unknown {
  switch (style) {
    case 'sync':
      return refuseSync(error);
    case 'promise':
      return refusedPromise(error);
    case 'iterator':
      return refusedIterator(error);
    case 'stream':
      return pathChecking()!.refusals.refusedStream(original, self, args, error);
    case 'watcher':
      return pathChecking()!.refusals.refusedWatcher(error);
    case 'nothing':
      return undefined;
    case 'existsSync':
      return false;
    case 'existsPromise':
      return Promise.resolve(false);
    case 'existsCallback': {
      const callback: unknown = args[args.length - 1];
      if (typeof callback === 'function') process.nextTick(callback as AnyFunction, false);
      return undefined;
    }
    case 'callback':
      return refuseToLastCallback(args, error);
  }
}

/** Builds the replacement for one fs function; `sink` is its reported name. */
export function pathWrapper(sink: string, paths: 1 | 2, style: RefusalStyle): (original: AnyFunction) => AnyFunction {
  if (paths === 1) {
    return (original) =>
      function (this: unknown, path: unknown) {
        const blocked = check(sink, path);
        // eslint-disable-next-line prefer-rest-params
        if (blocked !== undefined) return refuse(style, blocked, original, this, arguments);
        // eslint-disable-next-line prefer-rest-params
        return original.apply(this, arguments as unknown as unknown[]);
      };
  }
  return (original) =>
    function (this: unknown, from: unknown, to: unknown) {
      const blocked = check(sink, from) ?? check(sink, to);
      // eslint-disable-next-line prefer-rest-params
      if (blocked !== undefined) return refuse(style, blocked, original, this, arguments);
      // eslint-disable-next-line prefer-rest-params
      return original.apply(this, arguments as unknown as unknown[]);
    };
}

/**
 * fs.exists wrapper that also replaces its `util.promisify.custom` (non-configurable,
 * so it must be on the wrapper before wrapMethod copies the original's properties):
 * the original promisified form calls fs.exists from inside node:fs, which the
 * detector treats as Node's own call, so it is checked here as `fs.exists` instead.
 */
export function existsWrapper(sink: string): (original: AnyFunction) => AnyFunction {
  const makeCallback = pathWrapper(sink, 1, 'existsCallback');
  const makePromise = pathWrapper(sink, 1, 'existsPromise');
  return (original) => {
    const wrapper = makeCallback(original);
    const custom = (original as unknown as Record<symbol, unknown>)[promisify.custom];
    if (typeof custom === 'function') {
      const promised = makePromise(custom as AnyFunction);
      Object.defineProperty(promised, 'name', { value: custom.name, configurable: true });
      Object.defineProperty(promised, 'length', { value: custom.length, configurable: true });
      Object.defineProperty(wrapper, promisify.custom, { value: promised, writable: false, enumerable: false, configurable: false });
    }
    return wrapper;
  };
}
