// The claims of a bearer token are strings the client chose (unless the app checks the
// signature, which rampart cannot know). The payload segment is decoded without verifying
// anything; authorization.ts adds the claims as `jwt` inputs.

/** The parsed payload of a compact JWS (`header.payload.signature`), or undefined. */
export function decodeJwtPayload(token: string, maxLength: number): unknown {
  const first = token.indexOf('.');
  if (first <= 0) return undefined;
  const second = token.indexOf('.', first + 1);
  // Three segments exactly: a JWE has five and its second segment is an encrypted key.
  if (second === -1 || token.indexOf('.', second + 1) !== -1) return undefined;
  const segment = token.slice(first + 1, second);
  if (segment.length === 0 || segment.length > maxLength) return undefined;
  let json: string;
  try {
    json = Buffer.from(segment, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
  if (json.charCodeAt(0) !== 123) return undefined; // claims are a JSON object: `{`
  try {
    // JSON.parse makes `__proto__` an own data property; the walk only reads own keys.
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}
