// better-sqlite3: SQL text enters through Database#prepare, #exec and #pragma; statements
// run later with bound parameters only, so checking those three covers run/get/all/iterate.
import { guardSink } from '../guard';
import { sqlSinkDetector } from './sql-sink';
import type { ModuleHook } from './types';
import { unwrapMethod, wrapMethod } from './wrap';

const detector = sqlSinkDetector('sqlite', 'sqlite');
const METHODS = ['prepare', 'exec', 'pragma'] as const;

export const betterSqlite3Hook: ModuleHook = {
  module: 'better-sqlite3',
  testedMajors: [11, 12],
  patch(exports) {
    const proto = (exports as { prototype?: object }).prototype;
    if (proto === undefined) return;
    for (const method of METHODS) {
      const sink = `better-sqlite3.${method}`;
      wrapMethod(proto, method, (original) =>
        function (this: unknown, source: unknown) {
          if (typeof source === 'string') guardSink(detector, sink, source);
          // eslint-disable-next-line prefer-rest-params
          return original.apply(this, arguments as unknown as unknown[]);
        },
      );
    }
  },
  unpatch(exports) {
    const proto = (exports as { prototype?: object }).prototype;
    if (proto === undefined) return;
    for (const method of METHODS) unwrapMethod(proto, method);
  },
};
