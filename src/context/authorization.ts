// What the client chose inside an Authorization header. The whole header value is already
// an input, but apps use its parts: the token after the scheme (`WHERE token = '${token}'`),
// the user name and password of Basic credentials once decoded, and the claims of a bearer
// JWT (`WHERE tenant = '${claims.tenant}'`). None of it is verified here; it is all as
// attacker-chosen as any other header. Values stay secret in telemetry (the `authorization`
// header is redacted whatever follows it in the input's path).
import type { UserInput } from '../detect/types';
import { decodeJwtPayload } from './jwt';
import { addString, walkInputs, type WalkBudget } from './walk';

/** Adds the credentials of an Authorization header, and what they decode to, as inputs. */
export function collectAuthorization(authorization: string, budget: WalkBudget, out: UserInput[]): void {
  const space = authorization.indexOf(' ');
  if (space <= 0) return;
  const credentials = authorization.slice(space + 1).trim();
  if (credentials.length === 0) return;
  addString(credentials, 'headers', 'authorization.credentials', budget, out);
  // Auth schemes are case-insensitive (RFC 9110, section 11.1).
  const scheme = authorization.slice(0, space).toLowerCase();
  if (scheme === 'bearer') {
    const claims = decodeJwtPayload(credentials, budget.bytesLeft);
    if (claims !== undefined) walkInputs(claims, 'jwt', '', budget, out);
  } else if (scheme === 'basic') {
    collectBasic(credentials, budget, out);
  }
}

/** `user:password`, base64-encoded (RFC 7617); the password may itself hold colons. */
function collectBasic(credentials: string, budget: WalkBudget, out: UserInput[]): void {
  if (credentials.length > budget.bytesLeft) return;
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return;
  addString(decoded.slice(0, colon), 'headers', 'authorization.username', budget, out);
  addString(decoded.slice(colon + 1), 'headers', 'authorization.password', budget, out);
}
