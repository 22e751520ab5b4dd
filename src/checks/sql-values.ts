// The check for mysqljs-style `?` values (mysql, and mysql2 releases that expand objects):
// the template is judged like any query, then every record value is judged by the slot it
// expands into (detect/sql/object-expansion.ts). Only calls that pass a record value come
// here; every other call keeps the plain text check.
import type { SinkDetector } from '../guard';
import type { Detection, UserInput } from '../detect/types';
import { isExpandableRecord, misplacedExpansion } from '../detect/sql/object-expansion';
import { REASONS, RULES } from '../detect/sql/rules';
import { sqlSinkDetector } from './sql';
import type { SqlDialect } from '../detect/sql';

/** A query template and the values the driver formats into it. */
export interface FormattedCall {
  readonly sql: string;
  readonly values: readonly unknown[];
  /** The template whose `?` the values fill, when it is not `sql` (mysql2 named placeholders turned into `?`). */
  readonly slots?: string;
}

/** The values as the formatter reads them (a lone value counts as a one-element list), when one is a record. */
export function recordValues(values: unknown): readonly unknown[] | undefined {
  if (values === undefined || values === null || typeof values === 'function') return undefined;
  const list = Array.isArray(values) ? (values as unknown[]) : [values];
  for (let i = 0; i < list.length; i++) if (isExpandableRecord(list[i])) return list;
  return undefined;
}

const KEYS_SHOWN = 256;

/** The expanded object as an input: its keys (what became SQL), never its values. */
function expandedInput(values: readonly unknown[], index: number): UserInput {
  const keys = Object.keys(values[index] as object).join(', ');
  return { source: 'custom', path: `sql.values.${index}`, value: `{${keys.length > KEYS_SHOWN ? keys.slice(0, KEYS_SHOWN) : keys}}` };
}

export function sqlValuesDetector(system: 'mysql' | 'mariadb', dialect: SqlDialect = 'mysql', alsoAs?: readonly SqlDialect[]): SinkDetector<FormattedCall> {
  const text = sqlSinkDetector(dialect, system, alsoAs);
  return {
    kind: 'sql_injection',
    family: 'sql',
    detect(call, inputs, config, partial): Detection | undefined {
      const found = text.detect(call.sql, inputs, config, partial);
      if (found !== undefined) return found;
      const misplaced = misplacedExpansion(call.slots ?? call.sql, call.values);
      if (misplaced === undefined) return undefined;
      return { kind: 'sql_injection', input: expandedInput(call.values, misplaced.index), rule: RULES.objectExpansion, reason: REASONS[RULES.objectExpansion] };
    },
    describe: (call, config) => text.describe(call.sql, config),
  };
}
