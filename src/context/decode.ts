// Apps often decode input once more than the framework did (decodeURIComponent on a
// query value, a double-encoded path). Each distinct decoded form becomes its own input
// so detectors see what actually reaches the sink.
import type { InputSource, UserInput } from '../detect/types';
import { decodedLeaves } from '../detect/decoded-leaves';

const MAX_EXTRA_DECODES = 3;

/**
 * React's reply encoding (Server Action arguments, decoded by React's decodeReply inside
 * Next.js) escapes a string that starts with `$` by doubling it: the argument `$' OR 1=1`
 * travels as `$$' OR 1=1`. The app gets the string with one `$` less, which is what must be
 * an input too, or a payload that starts with `$` would go unseen.
 */
function pushFlightUnescaped(value: string, source: InputSource, path: string, out: UserInput[]): number {
  if (value.charCodeAt(0) !== 0x24 || value.charCodeAt(1) !== 0x24) return 0;
  out.push({ source, path, value: value.slice(1) });
  return 1;
}

/** Pushes `value` and its distinct percent-decoded forms; returns how many were pushed. */
export function addWithDecodedVariants(value: string, source: InputSource, path: string, out: UserInput[]): number {
  out.push({ source, path, value });
  let pushed = 1 + pushFlightUnescaped(value, source, path, out);
  let current = value;
  for (let round = 0; round < MAX_EXTRA_DECODES && current.indexOf('%') !== -1; round++) {
    const decoded = safeDecode(current);
    if (decoded === current) break;
    out.push({ source, path, value: decoded });
    pushed++;
    current = decoded;
  }
  // A value the app JSON.parses or base64/hex-decodes itself: its string leaves. A whole
  // body kept as text (express.text()) is left to the raw-body collector, which names its
  // JSON and form leaves by their own paths (`user.name`).
  if (source === 'body' && path === '') return pushed;
  for (const leaf of decodedLeaves(value)) {
    const leafPath = `${path}.${leaf.suffix}`;
    out.push({ source, path: leafPath, value: leaf.value });
    pushed += 1 + pushFlightUnescaped(leaf.value, source, leafPath, out);
  }
  return pushed;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // malformed escapes: the app's own decode would fail the same way
  }
}
