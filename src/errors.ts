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

export { RampartConfigError } from './config/errors';
