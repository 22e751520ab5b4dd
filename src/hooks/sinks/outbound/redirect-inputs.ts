// Redirects the app follows by hand: `fetch(url, { redirect: 'manual' })` (or `http.get`,
// axios or got with redirects off) to a host the input chose, then a call to the answer's
// Location. The second URL was written by a server the input chose, so it is as untrusted
// as the input: the Location of a redirect answered to a steered call becomes an input of
// the request (`custom` `redirect.location`), as written and resolved against the URL it
// answered, and the next call to it is judged like any other.
import type { Steer } from './steer';

interface FetchResponseLike {
  status?: unknown;
  url?: unknown;
  headers?: { get?: (name: string) => unknown };
}

interface IncomingLike {
  statusCode?: unknown;
  headers?: Record<string, unknown>;
}

export const REDIRECT_INPUT_PATH = 'redirect.location';

function isRedirect(status: unknown): boolean {
  return typeof status === 'number' && status >= 300 && status <= 399;
}

/** Records `location`, answered to `base`, as an input of the steered call's request. */
function learnLocation(steer: Steer, location: unknown, base: string | undefined): void {
  if (typeof location !== 'string' || location === '') return;
  steer.ctx.addInput('custom', REDIRECT_INPUT_PATH, location);
  const absolute = base !== undefined && URL.canParse(location, base) ? new URL(location, base).href : undefined;
  if (absolute !== undefined && absolute !== location) steer.ctx.addInput('custom', REDIRECT_INPUT_PATH, absolute);
}

/** A fetch Response (global fetch, undici.fetch) answered to a steered call. */
export function learnRedirect(steer: Steer, response: unknown): void {
  try {
    const r = response as FetchResponseLike;
    if (!isRedirect(r?.status) || typeof r.headers?.get !== 'function') return;
    learnLocation(steer, r.headers.get('location'), typeof r.url === 'string' && r.url !== '' ? r.url : steer.url);
  } catch {
    // A response that throws when read is the app's problem; the call itself is unaffected.
  }
}

/**
 * An `http.IncomingMessage` or undici's `{ statusCode, headers }` answered to a steered
 * call (http.request, and axios and got through it, undici.request).
 */
export function learnIncomingRedirect(steer: Steer, response: unknown): void {
  try {
    const r = response as IncomingLike;
    if (!isRedirect(r?.statusCode) || r.headers === null || typeof r.headers !== 'object') return;
    learnLocation(steer, r.headers.location, steer.url);
  } catch {
    // as above
  }
}
