// Stable identities of detection rules for `security_rule.*` attributes.
import { createHash } from 'node:crypto';
import type { AttackKind } from '../detect/types';

export const RULESET_NAME = 'rampart';
export const RULESET_VERSION = '1';

const CATEGORY: Readonly<Record<AttackKind, string>> = {
  sql_injection: 'injection/sql',
  command_injection: 'injection/command',
  path_traversal: 'path-traversal',
  ssrf: 'ssrf',
};

export function ruleCategory(kind: AttackKind): string {
  return CATEGORY[kind];
}

const uuids = new Map<string, string>();

/** A name-based UUID (v5 layout over SHA-1), so a rule keeps its id across releases. */
export function ruleUuid(rule: string): string {
  let id = uuids.get(rule);
  if (id === undefined) {
    const h = createHash('sha1').update(`rampart:${rule}`).digest();
    h[6] = (h[6]! & 0x0f) | 0x50;
    h[8] = (h[8]! & 0x3f) | 0x80;
    const x = h.subarray(0, 16).toString('hex');
    id = `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
    uuids.set(rule, id);
  }
  return id;
}
