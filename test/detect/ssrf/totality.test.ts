// The SSRF helpers see attacker-chosen hosts and inputs: they must never throw.
import t from 'tap';
import fc from 'fast-check';
import {
  canonicalHost,
  classifyAddress,
  findHostControllingInput,
  isMetadataHostname,
  matchesCidr,
  parseHostAllowlist,
  parseIpLiteral,
  urlHost,
} from '../../../src/detect/ssrf';

const tricky = fc.string({
  unit: fc.oneof(
    fc.constantFrom('[', ']', ':', '::', '.', '/', '\\', '@', '#', '%', '%25', '0x', '0', '9', 'f', 'ff', '*', '\t', 'http://', '１', 'ⓐ', '%c0'),
    fc.string({ unit: 'binary', maxLength: 2 }),
  ),
  maxLength: 30,
});

t.test('SSRF helpers never throw', async (t) => {
  let n = 0;
  fc.assert(
    fc.property(tricky, tricky, tricky, (a, b, c) => {
      n++;
      const lit = parseIpLiteral(a);
      if (lit !== undefined && parseIpLiteral(lit.address)?.address !== lit.address) return false; // canonical is a fixed point
      classifyAddress(a);
      isMetadataHostname(a);
      matchesCidr(a, b);
      canonicalHost(a);
      urlHost(a);
      findHostControllingInput({ hostname: a, href: c }, [{ source: 'query', path: 'u', value: b }]);
      parseHostAllowlist([a, b]).allows(c, a);
      return true;
    }),
    { seed: 6, numRuns: 1000 },
  );
  t.equal(n, 1000);
});
