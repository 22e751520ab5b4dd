// Injection slots shared by the SQL driver tests: one benign input with its expected rows
// and one attack per slot. Every attack would change server state or sleep on the server if
// it ran, so the tests can prove server-side that it did not.
import { RampartBlockedError, withInput } from '../../../src/index';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

export interface Row {
  id: number;
  name: string;
}

/** Every table the tests create holds these rows. */
export const ROWS: readonly Row[] = [
  { id: 1, name: 'alice' },
  { id: 2, name: 'bob' },
  { id: 3, name: 'carol' },
];

export interface SlotCase {
  readonly slot: string;
  readonly sql: (value: string) => string;
  readonly benign: string;
  readonly expected: readonly Row[];
  readonly attack: string;
}

/** An expression that sleeps two seconds on the server (sqlite has none: a stacked write instead). */
function sleepExpr(dialect: Dialect): string {
  return dialect === 'postgres' ? '(SELECT 1 FROM pg_sleep(2))' : '(SELECT SLEEP(2))';
}

export function slotCases(table: string, dialect: Dialect): SlotCase[] {
  const sleep = sleepExpr(dialect);
  const sqliteStacked = `; INSERT INTO ${table} (id, name) VALUES (98, 'pwned')`;
  const base = `SELECT id, name FROM ${table}`;
  return [
    {
      slot: 'string',
      sql: (v) => `${base} WHERE name = '${v}'`,
      benign: 'alice',
      expected: [ROWS[0]!],
      attack: `x'; DROP TABLE ${table}; -- `,
    },
    {
      slot: 'numeric',
      sql: (v) => `${base} WHERE id = ${v}`,
      benign: '2',
      expected: [ROWS[1]!],
      attack: `1; INSERT INTO ${table} (id, name) VALUES (99, 'pwned')`,
    },
    {
      slot: 'LIKE',
      sql: (v) => `${base} WHERE name LIKE '%${v}%' ORDER BY id`,
      benign: 'aro',
      expected: [ROWS[2]!],
      attack: dialect === 'sqlite' ? `%'${sqliteStacked}; --` : `%' AND ${sleep} IS NOT NULL AND '%' = '`,
    },
    {
      slot: 'IN-list',
      sql: (v) => `${base} WHERE id IN (${v}) ORDER BY id`,
      benign: '1,3',
      expected: [ROWS[0]!, ROWS[2]!],
      attack: dialect === 'sqlite' ? `0)${sqliteStacked}; --` : `0) OR ${sleep} IS NOT NULL OR id IN (0`,
    },
    {
      slot: 'ORDER BY',
      sql: (v) => `${base} ORDER BY ${v}`,
      benign: 'name',
      expected: ROWS,
      attack: `name; DROP TABLE ${table}`,
    },
  ];
}

/** Runs `fn` as if `value` came in a request's query string. */
export function asInput<T>(value: string, fn: () => T): T {
  return withInput({ source: 'query', name: 'q', value }, fn);
}

/** Normalises driver rows (bigint ids, extra props) for comparison. */
export function plain(rows: readonly unknown[]): Row[] {
  return rows.map((r) => {
    const row = r as { id: unknown; name: unknown };
    return { id: Number(row.id), name: String(row.name) };
  });
}

export function isBlocked(error: unknown): boolean {
  return error instanceof RampartBlockedError && error.kind === 'sql_injection';
}
