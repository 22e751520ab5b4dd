// fs and fs/promises: every function that takes a path, in callback, sync, promise,
// stream and watcher forms. Both builtins are patched in place, so destructured
// requires taken after start (`const { readFile } = require('fs')`), `fs.promises`,
// `require('fs/promises')` (the same object) and, through syncBuiltinESMExports, ESM
// named imports all reach the wrappers.
import type { BuiltinHook } from '../../types';
import { unwrapMethod, wrapMethod } from '../../wrap';
import { FS_PROMISES_SINKS, FS_SINKS, NATIVE_REALPATH, type FsSink } from './sinks';
import { existsWrapper, pathWrapper } from './wrappers';

type Owner = Record<string, unknown>;

function wrapSinks(owner: Owner, prefix: string, sinks: readonly FsSink[]): void {
  for (const { name, paths, style } of sinks) {
    const sink = `${prefix}.${name}`;
    wrapMethod(owner, name, name === 'exists' ? existsWrapper(sink) : pathWrapper(sink, paths, style));
  }
}

function unwrapSinks(owner: Owner, sinks: readonly FsSink[]): void {
  for (const { name } of sinks) unwrapMethod(owner, name);
}

export const fsHook: BuiltinHook = {
  module: 'fs',
  patch(exports) {
    const fs = exports as Owner;
    wrapSinks(fs, 'fs', FS_SINKS);
    // `native` was copied onto the realpath wrappers; wrap that copy in turn.
    for (const [name, style] of NATIVE_REALPATH) {
      const fn = fs[name];
      if (typeof fn === 'function') wrapMethod(fn, 'native', pathWrapper(`fs.${name}.native`, 1, style));
    }
  },
  unpatch(exports) {
    const fs = exports as Owner;
    for (const [name] of NATIVE_REALPATH) {
      const fn = fs[name];
      if (typeof fn === 'function') unwrapMethod(fn, 'native');
    }
    unwrapSinks(fs, FS_SINKS);
  },
};

export const fsPromisesHook: BuiltinHook = {
  module: 'fs/promises',
  patch(exports) {
    wrapSinks(exports as Owner, 'fs.promises', FS_PROMISES_SINKS);
  },
  unpatch(exports) {
    unwrapSinks(exports as Owner, FS_PROMISES_SINKS);
  },
};
