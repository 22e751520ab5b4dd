// better-sqlite3: SQL text enters through Database#prepare, #exec and #pragma; statements
// run later with bound parameters only, so checking those three covers run/get/all/iterate.
// A synchronous driver: it throws for its own SQL errors, so a refusal is thrown too.
import { sqlSinkDetector } from '../../../checks/sql';
import { declareHook, prototypeOf } from '../../methods-hook';
import { syncSqlMethod } from './common';

const detector = sqlSinkDetector('sqlite', 'sqlite');

export const betterSqlite3Hook = declareHook({
  module: 'better-sqlite3',
  versions: '11.x || 12.x',
  targets: [
    {
      at: prototypeOf,
      wrap: {
        prepare: syncSqlMethod(detector, 'better-sqlite3.prepare'),
        exec: syncSqlMethod(detector, 'better-sqlite3.exec'),
        pragma: syncSqlMethod(detector, 'better-sqlite3.pragma'),
      },
    },
  ],
});
