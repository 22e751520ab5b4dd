// The SQL sink detector shared by every database driver hook.
import type { SinkDetector } from '../guard';
import { detectSqlInjection, type SqlDialect } from '../detect/sql';

/** `db.system.name` values from the OpenTelemetry database conventions. */
export type DbSystem = 'sqlite' | 'postgresql' | 'mysql' | 'mariadb';

export function sqlSinkDetector(dialect: SqlDialect, system: DbSystem): SinkDetector<string> {
  return {
    kind: 'sql_injection',
    family: 'sql',
    detect: (query, inputs, config) => detectSqlInjection(query, inputs, dialect, { allowFullQueryInput: config.sql.allowFullQueryInput }),
    // The text as written: the report layer decides what of it may leave (report/db-query-text.ts).
    describe: (query) => ({ 'db.system.name': system, 'db.query.text': query }),
  };
}
