// What may leave the process in telemetry. Runs only when a finding is rendered, never on
// the per-call hot path. All scanning is linear and regex-free (values are attacker data).
import type { Config } from '../config/types';
import type { UserInput } from '../detect/types';

/** Headers whose values are credentials whatever `telemetry.redactKeys` says. */
const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/**
 * Names whose values are secret, always (`telemetry.redactKeys` adds to them): an input,
 * query parameter or option whose name contains one, compared without case, `-` and `_`.
 */
export const BUILTIN_SECRET_KEYS: readonly string[] = [
  'authorization',
  'cookie',
  'session',
  'password',
  'passwd',
  'pwd',
  'pass', // passphrase, pass, db_pass
  'secret', // client_secret, aws_secret_access_key
  'token', // access_token, refresh_token, id_token, csrf token
  'apikey', // api_key, x-api-key
  'accesskey',
  'privatekey',
  'credential',
  'signature',
  'jwt',
];

/**
 * Query parameters of signed or keyed URLs, matched whole (normalized): presigned S3 and
 * GCS URLs, Azure SAS, and the bare `key`, `sig`, `token` many APIs take.
 */
const SIGNED_URL_PARAMS: ReadonlySet<string> = new Set([
  'awsaccesskeyid',
  'signature',
  'sig',
  'key',
  'token',
  'code',
  'xamzsignature',
  'xamzcredential',
  'xamzsecuritytoken',
  'xgoogsignature',
  'xgoogcredential',
]);

export const REDACTED = 'REDACTED';

/** Lower case without `-` and `_`, so `X-Api-Key`, `api_key` and `apikey` compare equal. */
function normalizeKey(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c !== '-' && c !== '_') out += c;
  }
  return out.toLowerCase();
}

/** Precomputed form of `telemetry.redactKeys`, built once per configuration. */
export class SecretKeys {
  private readonly keys: readonly string[];

  constructor(config: Config) {
    const keys = [...BUILTIN_SECRET_KEYS, ...config.telemetry.redactKeys].map(normalizeKey).filter((k) => k.length > 0);
    this.keys = [...new Set(keys)];
  }

  /** A name is secret when it contains a configured key: `client_secret`, `refreshToken`. */
  matches(name: string): boolean {
    const n = normalizeKey(name);
    for (const key of this.keys) if (n.includes(key)) return true;
    return false;
  }

  /** Cookies, credential headers, and inputs with a secret name anywhere in their path. */
  isSecretInput(input: UserInput): boolean {
    if (input.source === 'cookies') return true;
    if (input.source === 'headers') {
      const dot = input.path.indexOf('.');
      const header = (dot === -1 ? input.path : input.path.slice(0, dot)).toLowerCase();
      if (SECRET_HEADERS.has(header)) return true;
    }
    for (const segment of input.path.split('.')) if (this.matches(segment)) return true;
    return false;
  }
}

export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}

/**
 * `url.full` without credentials: userinfo becomes `REDACTED:REDACTED` and secret query
 * values become `REDACTED`, as the URL semantic conventions require.
 */
export function sanitizeUrl(url: string, secrets: SecretKeys): string {
  const scheme = url.indexOf('://');
  const authorityStart = scheme === -1 ? (url.startsWith('//') ? 2 : -1) : scheme + 3;
  let out = url;
  if (authorityStart !== -1) {
    let authorityEnd = out.length;
    for (let i = authorityStart; i < out.length; i++) {
      const c = out[i];
      if (c === '/' || c === '?' || c === '#' || c === '\\') {
        authorityEnd = i;
        break;
      }
    }
    const at = out.lastIndexOf('@', authorityEnd - 1);
    if (at >= authorityStart) out = `${out.slice(0, authorityStart)}${REDACTED}:${REDACTED}${out.slice(at)}`;
  }
  const q = out.indexOf('?');
  if (q === -1) return out;
  const hash = out.indexOf('#', q);
  const queryEnd = hash === -1 ? out.length : hash;
  const params = out.slice(q + 1, queryEnd).split('&');
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const eq = p.indexOf('=');
    if (eq === -1) continue;
    const name = safeDecode(p.slice(0, eq));
    if (SIGNED_URL_PARAMS.has(normalizeKey(name)) || secrets.matches(name)) params[i] = `${p.slice(0, eq)}=${REDACTED}`;
  }
  return `${out.slice(0, q + 1)}${params.join('&')}${out.slice(queryEnd)}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Shortest path segment that can be masked as a token. */
const MIN_TOKEN = 20;

/**
 * Does a path segment look like a credential or random identifier (a reset token, an API
 * key, a JWT, a hex digest, a UUID) rather than a word or a slug? Long, made only of
 * token characters, and mixing classes the way random strings do: digits and letters, or
 * upper and lower case, each several times.
 */
function looksLikeToken(segment: string): boolean {
  if (segment.length < MIN_TOKEN) return false;
  let digits = 0;
  let lower = 0;
  let upper = 0;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c >= 0x61 && c <= 0x7a) lower++;
    else if (c >= 0x41 && c <= 0x5a) upper++;
    // - . _ ~ = + % (base64, base64url, percent-encoded): token characters, any other is not
    else if (c !== 0x2d && c !== 0x2e && c !== 0x5f && c !== 0x7e && c !== 0x3d && c !== 0x2b && c !== 0x25) return false;
  }
  const letters = lower + upper;
  return (digits >= 4 && letters >= 4) || (lower >= 4 && upper >= 4);
}

/** `url.path` with every segment that looks like a token replaced by `REDACTED`. */
export function maskPathTokens(path: string): string {
  if (path.length < MIN_TOKEN) return path;
  const segments = path.split('/');
  let changed = false;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (looksLikeToken(segment)) {
      segments[i] = REDACTED;
      changed = true;
    }
  }
  return changed ? segments.join('/') : path;
}
