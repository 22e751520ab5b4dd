import type { AttackKind } from './detect/types';

/**
 * Thrown by a protected call instead of running it. Apps may catch it; the HTTP client
 * gets rampart's block response either way.
 */
export class RampartBlockedError extends Error {
  readonly code = 'RAMPART_BLOCKED';
  constructor(
    readonly kind: AttackKind,
    readonly sink: string,
    readonly requestId: string | undefined,
  ) {
    super(`rampart blocked a ${kind.replace('_', ' ')} attempt at ${sink}${requestId ? ` (request ${requestId})` : ''}`);
    this.name = 'RampartBlockedError';
  }
}

/**
 * Whether `err` is a refusal by rampart. Recognised by its code, so a blocked error from
 * another copy of rampart (a second install in the same process) counts too.
 */
export function isRampartBlocked(err: unknown): err is { code: 'RAMPART_BLOCKED'; requestId?: unknown } {
  return err !== null && typeof err === 'object' && (err as { code?: unknown }).code === 'RAMPART_BLOCKED';
}

export { RampartConfigError } from './config/errors';
