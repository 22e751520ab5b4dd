// Shared vocabulary of the pure detectors. Nothing here imports from Node.

export type AttackKind = 'sql_injection' | 'command_injection' | 'path_traversal' | 'ssrf';

export const ATTACK_KINDS: readonly AttackKind[] = [
  'sql_injection',
  'command_injection',
  'path_traversal',
  'ssrf',
];

/** Where a piece of untrusted data came from. */
export type InputSource =
  | 'query'
  | 'body'
  | 'params'
  | 'headers'
  | 'cookies'
  | 'path'
  | 'graphql'
  | 'jwt'
  | 'xml'
  | 'websocket'
  | 'custom';

/** One untrusted string value, with where it came from (`body.user.name`). */
export interface UserInput {
  readonly source: InputSource;
  /** Dotted path of the value inside its source, e.g. `user.name` or `ids.0`. */
  readonly path: string;
  readonly value: string;
}

/** What a detector reports when an input changed the structure of a payload. */
export interface Detection {
  readonly kind: AttackKind;
  /** The input that caused it. */
  readonly input: UserInput;
  /** Stable rule id, e.g. `sqli.token-boundary`; becomes `security_rule.name`. */
  readonly rule: string;
  /** One sentence for humans: what the input did to the payload. */
  readonly reason: string;
}
