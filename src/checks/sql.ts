// The SQL sink detector shared by every database driver hook.
import type { SinkDetector } from '../guard';
import type { Config } from '../config/types';
import { AppTextMemory } from '../detect/app-text';
import { detectSqlInjection, redactSqlLiterals, type SqlDialect } from '../detect/sql';
import type { UserInput } from '../detect/types';
import { isParameterized } from '../report/db-query-text';
import { SecretKeys } from '../report/redact';

/** `db.system.name` values from the OpenTelemetry database conventions. */
export type DbSystem = 'sqlite' | 'postgresql' | 'mysql' | 'mariadb';

/**
 * The query of the last detection and the input that changed it. The guard describes a
 * finding right after detecting it, in the same synchronous call; the input lets the
 * description redact the literals of the app's own template, not only those of the query
 * as the attacker shifted them.
 */
const lastFinding = { query: '', input: undefined as UserInput | undefined };

const secretKeys = new WeakMap<Config, SecretKeys>();

/** A secret-named input (`pwd`, `api_key`) is hidden in the query text too, not only as a value. */
function isSecret(input: UserInput, config: Config): boolean {
  let keys = secretKeys.get(config);
  if (keys === undefined) {
    keys = new SecretKeys(config);
    secretKeys.set(config, keys);
  }
  return keys.isSecretInput(input);
}

/**
 * Queries the app sent without input in them, shared by every SQL sink: an identical query
 * text later holding an input by coincidence is the app's own (detect/app-text.ts).
 */
export const sqlAppTexts = new AppTextMemory();

export function sqlSinkDetector(dialect: SqlDialect, system: DbSystem): SinkDetector<string> {
  return {
    kind: 'sql_injection',
    family: 'sql',
    detect: (query, inputs, config, partial) => {
      const detection = detectSqlInjection(query, inputs, dialect, {
        allowFullQueryInput: config.sql.allowFullQueryInput,
        appTexts: sqlAppTexts,
        learn: !partial,
      });
      if (detection !== undefined) {
        lastFinding.query = query;
        lastFinding.input = detection.input;
      }
      return detection;
    },
    describe: (query, config) => {
      const input = query === lastFinding.query ? lastFinding.input : undefined;
      lastFinding.query = '';
      lastFinding.input = undefined;
      const redactInput = input === undefined ? undefined : { value: input.value, hide: isSecret(input, config) };
      // A parameterized query is reported as written (database conventions): its values travel
      // separately. Not when the attacking input is a secret, and a placeholder inside the
      // attacking input does not count (report/db-query-text.ts).
      const asWritten = redactInput !== undefined && !redactInput.hide && isParameterized(query, dialect, redactInput.value);
      return { 'db.system.name': system, 'db.query.text': asWritten ? query : redactSqlLiterals(query, dialect, redactInput) };
    },
  };
}
