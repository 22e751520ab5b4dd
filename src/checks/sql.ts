// The SQL sink detector shared by every database driver hook.
import type { SinkDetector } from '../guard';
import { detectSqlInjection, redactSqlLiterals, type SqlDialect } from '../detect/sql';

/** `db.system.name` values from the OpenTelemetry database conventions. */
export type DbSystem = 'sqlite' | 'postgresql' | 'mysql' | 'mariadb';

/**
 * The query of the last detection and the input that changed it. The guard describes a
 * finding right after detecting it, in the same synchronous call; the input lets the
 * description redact the literals of the app's own template, not only those of the query
 * as the attacker shifted them.
 */
const lastFinding = { query: '', input: undefined as string | undefined };

export function sqlSinkDetector(dialect: SqlDialect, system: DbSystem): SinkDetector<string> {
  return {
    kind: 'sql_injection',
    family: 'sql',
    detect: (query, inputs, config) => {
      const detection = detectSqlInjection(query, inputs, dialect, { allowFullQueryInput: config.sql.allowFullQueryInput });
      if (detection !== undefined) {
        lastFinding.query = query;
        lastFinding.input = detection.input.value;
      }
      return detection;
    },
    describe: (query) => {
      const input = query === lastFinding.query ? lastFinding.input : undefined;
      lastFinding.query = '';
      lastFinding.input = undefined;
      return { 'db.system.name': system, 'db.query.text': redactSqlLiterals(query, dialect, input) };
    },
  };
}
