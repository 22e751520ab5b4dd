// better-sqlite3: SQL text enters through Database#prepare, #exec and #pragma; statements
// run later with bound parameters only, so checking those three covers run/get/all/iterate.
import { guardSink } from '../../../guard';
import { refuseSync } from '../../../refuse';
import { sqlSinkDetector } from '../../../checks/sql';
import { methodsHook } from '../../methods-hook';

const detector = sqlSinkDetector('sqlite', 'sqlite');

function guardedSource(sink: string): (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown {
  return (original) =>
    function (this: unknown, source: unknown) {
      const refusal = typeof source === 'string' ? guardSink(detector, sink, source) : undefined;
      // A synchronous driver: it throws for its own SQL errors, so a refusal is thrown too.
      if (refusal !== undefined) refuseSync(refusal);
      // eslint-disable-next-line prefer-rest-params
      return original.apply(this, arguments as unknown as unknown[]);
    };
}

export const betterSqlite3Hook = methodsHook({
  module: 'better-sqlite3',
  testedMajors: [11, 12],
  target: (exports) => (exports as { prototype?: object }).prototype,
  wrappers: {
    prepare: guardedSource('better-sqlite3.prepare'),
    exec: guardedSource('better-sqlite3.exec'),
    pragma: guardedSource('better-sqlite3.pragma'),
  },
});
