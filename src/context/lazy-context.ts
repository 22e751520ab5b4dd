// The request context and its input collectors load with the first request (or the first
// withInput call), not at start-up: a process that serves no request never needs them.
import type * as RequestContextModule from './request-context';
import { lazily } from '../lazy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const requestContexts = lazily(() => require('./request-context') as typeof RequestContextModule);
