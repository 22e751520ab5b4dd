// The parts of the outbound hooks that judge a call, loaded at the first outbound call
// rather than at start-up (docs/performance.md, "Start-up"): the steer and its stores,
// the SSRF checks and IP parsers behind it, who opened a socket, and the URL host reader.
// The load is a synchronous require, so that first call waits and is checked like every
// later one. The wrappers themselves are installed at start.
import { failOpenLoader } from '../../../guard-gates';
import { lazily } from '../../../lazy';

/* eslint-disable @typescript-eslint/no-require-imports */
export const steering = lazily(() => require('./steer') as typeof import('./steer'));
export const openers = lazily(() => require('./opener') as typeof import('./opener'));
export const urlHosts = lazily(() => require('../../../detect/ssrf/url-host') as typeof import('../../../detect/ssrf/url-host'));
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * True once the parts are loaded, loading them at the first outbound call; undefined if they
 * could not be (see failOpenLoader): every wrapper asks first and then lets the call through
 * unchecked, the fault reported once, rather than throwing into the app's call.
 */
export const partsLoaded = failOpenLoader('load:outbound-checks', (): true => {
  steering();
  openers();
  urlHosts();
  return true;
});
