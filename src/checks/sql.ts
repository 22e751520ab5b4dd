// The SQL sink detector shared by every database driver hook.
import type { SinkDetector } from '../guard';
import { AppTextMemory } from '../detect/app-text';
import type * as SqlDetector from '../detect/sql';
import type { SqlDialect } from '../detect/sql';
import { lazily } from '../lazy';

// The SQL detector and its tokenizers load with the first check of a query.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sql = lazily(() => require('../detect/sql') as typeof SqlDetector);

/** `db.system.name` values from the OpenTelemetry database conventions. */
export type DbSystem = 'sqlite' | 'postgresql' | 'mysql' | 'mariadb';

/**
 * Queries the app sent without input in them, shared by every SQL sink: an identical query
 * text later holding an input by coincidence is the app's own (detect/app-text.ts).
 */
export const sqlAppTexts = new AppTextMemory();

/**
 * The detector for one reading of the connection's queries: `dialect`, and `alsoAs` the other
 * readings its server may use when the session mode is not known (detect/sql/detector.ts).
 */
export function sqlSinkDetector(dialect: SqlDialect, system: DbSystem, alsoAs?: readonly SqlDialect[]): SinkDetector<string> {
  const also = alsoAs !== undefined && alsoAs.length > 0 ? alsoAs : undefined;
  return {
    kind: 'sql_injection',
    family: 'sql',
    detect: (query, inputs, config, partial) =>
      sql().detectSqlInjection(query, inputs, dialect, { allowFullQueryInput: config.sql.allowFullQueryInput, appTexts: sqlAppTexts, learn: !partial, alsoAs: also }),
    // The text as written: the report layer decides what of it may leave (report/db-query-text.ts).
    describe: (query) => ({ 'db.system.name': system, 'db.query.text': query }),
  };
}
