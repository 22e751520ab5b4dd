// Public surface of the SQL injection detector: hand-written, linear, never-throwing lexers for
// PostgreSQL, MySQL/MariaDB and SQLite; a detector that reports an input when it changes the
// query's token structure (rules in rules.ts, policy in judge.ts); literal redaction for
// telemetry.

export { detectSqlInjection } from './detector';
export type { SqlDetectOptions } from './detector';
export { tokenizeSql } from './tokenize';
export type { SqlDialect, SqlToken, SqlTokenKind } from './tokenize';
export { redactSqlLiterals } from './redact';
export type { RedactInput } from './redact';
export { RULES as SQL_RULES } from './rules';
export type { SqlRule } from './rules';
