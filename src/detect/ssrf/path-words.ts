// A proxy route whose path names the target: `/proxy/internal/8080/x` and the app builds
// `http://${seg1}:${seg2}/...`. Plain-word path segments (`internal`, `8080`, `localhost`)
// are not inputs (a word like `ping` or `api` is usually the route's own text:
// docs/inputs.md), so the one-input rules never see them. Here they count only with
// evidence of position: consecutive segments of the request path, joined by dots, are
// the destination host and the very next segment is its port. A route word that merely
// equals a service the app calls (`/api/users` while the app fetches `http://api:3000/`)
// has no port after it and stays the app's. A framework's route parameter
// (`req.params.host`) is an input of its own and is judged by the one-input rules.
import type { UserInput } from '../types';

/** Segments looked at (a request path is short; a longer one is cut, not searched). */
const MAX_SEGMENTS = 32;

/** The explicit port of `url` (`http://h:8080/` → `8080`), or '' when it names none. */
export function urlPort(url: string): string {
  const slashes = url.indexOf('//');
  if (slashes === -1) return '';
  let end = url.length;
  for (let i = slashes + 2; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) {
      end = i;
      break;
    }
  }
  let at = url.lastIndexOf('@', end - 1);
  if (at < slashes) at = slashes + 1;
  const bracket = url.lastIndexOf(']', end - 1);
  const colon = url.lastIndexOf(':', end - 1);
  if (colon <= at || colon < bracket) return '';
  return url.slice(colon + 1, end);
}

function segmentText(path: string, from: number, to: number): string {
  const raw = path.slice(from, to).toLowerCase();
  if (raw.indexOf('%') === -1) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The path segments that spell `host` (lowercase, no brackets, no trailing dot) followed
 * by `port`, as an input (`source` `path`, value `internal/8080`), or undefined.
 */
export function pathWordsNamingHost(urlPath: string, host: string, port: string): UserInput | undefined {
  if (port === '' || host === '' || urlPath.indexOf(`/${port}`) === -1) return undefined;
  const segments: string[] = [];
  for (let from = 0; from < urlPath.length && segments.length < MAX_SEGMENTS; ) {
    let end = urlPath.indexOf('/', from);
    if (end === -1) end = urlPath.length;
    segments.push(segmentText(urlPath, from, end));
    from = end + 1;
  }
  for (let i = 0; i < segments.length - 1; i++) {
    let spelled = segments[i]!;
    for (let j = i; j < segments.length - 1 && spelled.length <= host.length && host.startsWith(spelled); ) {
      if (spelled === host && segments[j + 1] === port) {
        const value = segments.slice(i, j + 2).join('/');
        return { source: 'path', path: value, value };
      }
      j++;
      spelled += `.${segments[j]!}`;
    }
  }
  return undefined;
}
