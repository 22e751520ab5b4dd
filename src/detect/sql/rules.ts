// Stable rule ids (they become `security_rule.name`) and the sentence reported with each.

export const RULES = {
  tokenBoundary: 'sqli.token-boundary',
  comment: 'sqli.comment',
  executableComment: 'sqli.executable-comment',
  stackedQuery: 'sqli.stacked-query',
  operator: 'sqli.operator',
  valueIdentifier: 'sqli.value-identifier',
  systemValue: 'sqli.system-value',
  unterminated: 'sqli.unterminated',
  fullQuery: 'sqli.full-query',
  objectExpansion: 'sqli.object-expansion',
} as const;

export type SqlRule = (typeof RULES)[keyof typeof RULES];

export const REASONS: Readonly<Record<SqlRule, string>> = {
  'sqli.token-boundary':
    'User input spans several SQL tokens, so it adds code (keywords, operators or extra literals) to the query.',
  'sqli.comment': 'User input opens or closes a SQL comment, hiding part of the query.',
  'sqli.executable-comment': 'User input adds a MySQL executable comment, whose content runs as SQL.',
  'sqli.stacked-query': "User input ends the SQL statement with ';' and can start another one.",
  'sqli.operator': 'User input becomes a SQL operator instead of a value.',
  'sqli.value-identifier':
    'User input becomes a column, variable or keyword reference where the query expects a value.',
  'sqli.system-value': 'User input names a server variable or a session function (`@@version`, `CURRENT_USER`) that reads server state.',
  'sqli.unterminated':
    'The query contains user input and has an unterminated string, identifier or comment (or a NUL character that cuts it short).',
  'sqli.full-query': 'User input is the entire SQL query.',
  'sqli.object-expansion':
    'An object from the request was passed for a `?` that expects one value; the driver expands it into `key = value` pairs, a comparison the input chose.',
};
