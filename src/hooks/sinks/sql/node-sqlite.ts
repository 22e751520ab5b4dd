// node:sqlite (Node's built-in SQLite, 22.13+ unflagged): SQL text enters through
// DatabaseSync#exec and #prepare; a StatementSync runs later with bound parameters only,
// so those two cover run/get/all/iterate. The tag store (`db.createTagStore()`, 24.9+)
// prepares its templates inside Node, not through `prepare`, and binds every value: only
// the app's literal text reaches SQL there. A synchronous API that throws its own SQL errors, so a refusal is
// thrown too (docs/refusals.md).
//
// Hooked when the app loads node:sqlite, not at start: loading it prints an
// ExperimentalWarning, and it does not exist on Node 20 (instrument.ts reports it missing).
import { sqlSinkDetector } from '../../../checks/sql';
import { declareHook } from '../../methods-hook';
import { syncSqlMethod } from './common';

const detector = sqlSinkDetector('sqlite', 'sqlite');

export const nodeSqliteHook = declareHook({
  module: 'node:sqlite',
  versions: '>=22.13', // Node's own version: the lines it is tested on
  targets: [
    {
      at: (sqlite) => (sqlite as { DatabaseSync?: { prototype: object } }).DatabaseSync?.prototype,
      wrap: { exec: syncSqlMethod(detector, 'node:sqlite.exec'), prepare: syncSqlMethod(detector, 'node:sqlite.prepare') },
    },
  ],
});
