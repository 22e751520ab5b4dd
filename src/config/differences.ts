// Which keys two resolved configurations disagree on, as dotted paths (`modes.ssrf`,
// `blockResponse.status`): what a second start() with other options would have changed.
import type { Config } from './types';

export function configDifferences(running: Config, wanted: Config): string[] {
  const out: string[] = [];
  collect(running, wanted, '', out);
  return out;
}

function collect(a: unknown, b: unknown, path: string, out: string[]): void {
  // The app's logger object is compared by identity: walking or serializing it is not ours to do.
  if (path === 'logger') {
    if (a !== b) out.push(path);
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) collect(a[key], b[key], path === '' ? key : `${path}.${key}`, out);
    return;
  }
  // Arrays and leaves: allow lists and redact keys differ as a whole.
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
