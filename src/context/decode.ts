// Apps often decode input once more than the framework did (decodeURIComponent on a
// query value, a double-encoded path). Each distinct decoded form becomes its own input
// so detectors see what actually reaches the sink.
import type { InputSource, UserInput } from '../detect/types';
import { decodedLeaves } from '../detect/decoded-leaves';

const MAX_EXTRA_DECODES = 3;

/** Pushes `value` and its distinct percent-decoded forms; returns how many were pushed. */
export function addWithDecodedVariants(value: string, source: InputSource, path: string, out: UserInput[]): number {
  out.push({ source, path, value });
  let pushed = 1;
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
    out.push({ source, path: `${path}.${leaf.suffix}`, value: leaf.value });
    pushed++;
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
