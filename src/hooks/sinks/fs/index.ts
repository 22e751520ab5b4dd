// fs and fs/promises: every function that takes a path, in callback, sync, promise,
// stream and watcher forms. Both builtins are patched in place, so destructured
// requires taken after start (`const { readFile } = require('fs')`), `fs.promises`,
// `require('fs/promises')` (the same object) and, through syncBuiltinESMExports, ESM
// named imports all reach the wrappers.
import type { BuiltinHook } from '../../types';
import { declareBuiltinHook, exportsOf, type WrapperFactory } from '../../methods-hook';
import { FS_PROMISES_SINKS, FS_SINKS, NATIVE_REALPATH, type FsSink } from './sinks';
import { existsWrapper, pathWrapper } from './wrappers';

/** The wrapper of each sink, by property name; `sink` is its reported name. */
function wrappers(prefix: string, sinks: readonly FsSink[]): Record<string, WrapperFactory> {
  return Object.fromEntries(sinks.map(({ name, paths, style }) => [name, name === 'exists' ? existsWrapper(`${prefix}.${name}`) : pathWrapper(`${prefix}.${name}`, paths, style)]));
}

export const fsHook: BuiltinHook = declareBuiltinHook({
  module: 'fs',
  targets: [
    { at: exportsOf, wrap: wrappers('fs', FS_SINKS) },
    // `native` was copied onto the realpath wrappers; wrap that copy in turn.
    ...NATIVE_REALPATH.map(([name, style]) => ({
      at: (fs: unknown) => (fs as Record<string, object | undefined>)[name],
      wrap: { native: pathWrapper(`fs.${name}.native`, 1, style) },
    })),
  ],
});

export const fsPromisesHook: BuiltinHook = declareBuiltinHook({ module: 'fs/promises', targets: [{ at: exportsOf, wrap: wrappers('fs.promises', FS_PROMISES_SINKS) }] });
