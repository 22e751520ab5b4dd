// SSRF decision helpers: public surface. The guard combines them: an input must control
// the destination host (findHostControllingInput) and the address actually connected to
// must be internal (classifyAddress + isInternalClass), unless the allowlist allows it.
export { parseIpLiteral, type IpLiteral } from './ip-parse';
export { classifyAddress, isInternalClass, isMetadataHostname, type AddressClass } from './ip-classify';
export { matchesCidr, parseCidr, cidrContains, type Cidr } from './cidr';
export { parseHostAllowlist, type HostAllowlist } from './allowlist';
export { findHostControllingInput } from './host-input';
export { canonicalHost } from './host-canon';
export { urlHost } from './url-host';
export { pathWordsNamingHost, urlPort } from './path-words';
