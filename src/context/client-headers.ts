// Which headers the client sent. Servers and frameworks write request headers of their own
// before the app runs: Next.js sets x-forwarded-for, -host, -port and -proto on every request
// that lacks them (from the socket and its own port), its proxy (middleware) forwards the
// headers it set. Those values come from the server, not the client; taken as input they
// made an app's call to a loopback service look like SSRF steered by x-forwarded-for.
// `rawHeaders` is the header list as it came off the wire, which those writes do not touch,
// so a name missing from it was not sent by the client. A header the client did send stays
// input under its current value, whatever the server did to it: a client-sent
// x-forwarded-for is as much the attacker's as any other header.

/**
 * Lower-cased names of the headers on the wire, or undefined when there is nothing to
 * filter: no raw list, or no more header names than the wire had (`headerCount`, the number
 * of names in `req.headers`), so the server added none. Only a server that added headers
 * pays for the set. A client can send a repeated header to even the counts out; that only
 * makes the server's own headers inputs again for its request, a false positive at worst.
 */
export function clientHeaderNames(req: { readonly rawHeaders?: unknown }, headerCount: number): ReadonlySet<string> | undefined {
  const raw = req.rawHeaders;
  if (!Array.isArray(raw) || headerCount * 2 <= raw.length) return undefined;
  const names = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name: unknown = raw[i];
    if (typeof name === 'string') names.add(name.toLowerCase());
  }
  return names;
}
