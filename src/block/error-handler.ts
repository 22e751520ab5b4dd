// Express error middleware for RampartBlockedError. rampart has already answered the client
// when a sink refuses a call; without this, the error travels on to Express's default
// handler, which prints its full stack to stderr for every blocked request. Any other
// error goes on to the next handler untouched, so the app's own failures are still seen.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_CONFIG } from '../config/defaults';
import { isRampartBlocked } from '../errors';
import { agentState } from '../state';
import { sendBlockedResponse } from './blocked-response';

export type ErrorMiddleware = (err: unknown, req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;


export function errorHandler(): ErrorMiddleware {
  // Four parameters: Express tells error middleware by its arity.
  return function rampartErrorHandler(err, req, res, next) {
    if (!isRampartBlocked(err)) return next(err);
    // Normally a no-op (the block response went out at the sink); it still answers 403 when
    // the refusal happened where no response was known, rather than leaving the client hanging.
    const requestId = typeof err.requestId === 'string' ? err.requestId : '';
    sendBlockedResponse(req, res, requestId, (agentState()?.config ?? DEFAULT_CONFIG).blockResponse);
  };
}
