// Redirects the app follows by hand: `fetch(url, { redirect: 'manual' })` to a host the
// input chose, then `fetch(res.headers.get('location'))`. The second URL was written by a
// server the input chose, so it is as untrusted as the input: the Location of a redirect
// answered to a steered call becomes an input of the request (`custom`
// `redirect.location`), as written and resolved against the URL it answered, and the next
// call to it is judged like any other.
import type { Steer } from './steer';

interface ResponseLike {
  status?: unknown;
  url?: unknown;
  headers?: { get?: (name: string) => unknown };
}

export const REDIRECT_INPUT_PATH = 'redirect.location';

/** Records the Location of a 3xx answer to a steered call as an input of its request. */
export function learnRedirect(steer: Steer, response: unknown): void {
  try {
    const r = response as ResponseLike;
    if (typeof r?.status !== 'number' || r.status < 300 || r.status > 399 || typeof r.headers?.get !== 'function') return;
    const location = r.headers.get('location');
    if (typeof location !== 'string' || location === '') return;
    steer.ctx.addInput('custom', REDIRECT_INPUT_PATH, location);
    const base = typeof r.url === 'string' && r.url !== '' ? r.url : steer.url;
    const absolute = URL.canParse(location, base) ? new URL(location, base).href : undefined;
    if (absolute !== undefined && absolute !== location) steer.ctx.addInput('custom', REDIRECT_INPUT_PATH, absolute);
  } catch {
    // A response that throws when read is the app's problem; the call itself is unaffected.
  }
}
