// The same attack spelled differently gets the same verdict: SQL keywords in any case with
// any whitespace or comment between tokens, shell commands behind any separator and in
// any quoting that means the same word, traversal paths percent-encoded (once or twice,
// either hex case), and IPv4 destinations in every notation a URL parser accepts.
// Seeded fast-check properties; per-detector suites test the individual forms.
import { posix } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { detectPathTraversal } from '../../src/detect/path';
import { detectShellInjection } from '../../src/detect/shell';
import { detectSqlInjection, type SqlDialect } from '../../src/detect/sql';
import { canonicalHost, classifyAddress, findHostControllingInput } from '../../src/detect/ssrf';
import type { UserInput } from '../../src/detect/types';

const SEED = 20260201;
const RUNS = 300;
const input = (value: string): UserInput => ({ source: 'query', path: 'q', value });

const randomCase = (word: string) =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((flips) => [...word].map((c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

t.test('SQL: an injection is caught whatever its case, spacing and comments', async (t) => {
  const gap = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '/**/', '/* x */', ' /**/ ');
  const attack = fc
    .tuple(
      fc.constantFrom('OR', 'AND', 'UNION SELECT', 'OR NOT', '; DROP TABLE'),
      gap,
      gap,
      fc.constantFrom('1=1', "'a'='a'", 'true', 'users', '1 IS NOT NULL'),
      fc.constantFrom('--', '-- x', '/*'),
    )
    .chain(([keyword, g1, g2, tail, comment]) =>
      fc.tuple(...keyword.split(' ').map(randomCase)).map((words) => `x'${g1}${words.join(g2)}${g2}${tail}${g1}${comment}`),
    );
  for (const dialect of ['postgres', 'mysql', 'sqlite'] as SqlDialect[]) {
    fc.assert(
      fc.property(attack, (value) => detectSqlInjection(`SELECT * FROM users WHERE name = '${value}'`, [input(value)], dialect) !== undefined),
      { seed: SEED, numRuns: RUNS },
    );
    t.pass(`${dialect}: ${RUNS} spellings, all caught`);
  }
});

t.test('shell: a command is caught behind any separator, in any equivalent quoting', async (t) => {
  // Spellings the shell turns into the same word `id`.
  const word = fc.constantFrom('id', "i''d", 'i""d', "'id'", '"id"', '\\id', 'i\\d', "$'id'", 'i$@d');
  const lead = fc.constantFrom(';', ' ;', '&&', '||', '|', '\n', '&', '$(', '`');
  const gap = fc.constantFrom('', ' ', '\t', '  ');
  const attack = fc.tuple(lead, gap, word).map(([l, g, w]) => `8.8.8.8${l}${g}${w}${l === '$(' ? ')' : l === '`' ? '`' : ''}`);
  fc.assert(
    fc.property(attack, (value) => detectShellInjection(`ping -c 1 ${value}`, [input(value)]) !== undefined),
    { seed: SEED, numRuns: RUNS },
  );
  t.pass(`${RUNS} spellings, all caught`);
});

t.test('path: percent-encoding (once or twice, either case) never changes the verdict', async (t) => {
  const base = '/srv/app/files';
  const segment = fc.constantFrom('..', '.', 'a', 'docs', 'etc', 'passwd', '..', '..');
  const plainPath = fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join('/'));
  const hex = (c: string, upper: boolean) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`;
  // Each '.' and '/' written plain, encoded, or encoded twice (`%252e`).
  const encode = (plain: string) =>
    fc.array(fc.tuple(fc.constantFrom(0, 1, 2), fc.boolean()), { minLength: plain.length, maxLength: plain.length }).map((choices) =>
      [...plain]
        .map((c, i) => {
          const [how, upper] = choices[i]!;
          if ((c !== '.' && c !== '/') || how === 0) return c;
          const once = hex(c, upper);
          return how === 1 ? once : `%25${once.slice(1)}`;
        })
        .join(''),
    );
  let flagged = 0;
  let clean = 0;
  fc.assert(
    fc.property(plainPath.chain((plain) => fc.tuple(fc.constant(plain), encode(plain))), ([plain, encoded]) => {
      // The app decodes the input fully, then joins it to its base directory.
      const used = posix.join(base, plain);
      const verdictPlain = detectPathTraversal(used, [input(plain)]) !== undefined;
      const verdictEncoded = detectPathTraversal(used, [input(encoded)]) !== undefined;
      if (verdictPlain) flagged++;
      else clean++;
      return verdictPlain === verdictEncoded;
    }),
    { seed: SEED, numRuns: RUNS },
  );
  t.ok(flagged > 30 && clean > 30, `${flagged} traversals and ${clean} clean paths, same verdict encoded`);
});

t.test('SSRF: an IPv4 destination is controlled by the input in every notation', async (t) => {
  const octets = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }));
  /** Notations the WHATWG URL parser reads as the same IPv4 address. */
  const notations = ([a, b, c, d]: number[]) => {
    const n = ((a! << 24) >>> 0) + (b! << 16) + (c! << 8) + d!;
    return [
      `${a}.${b}.${c}.${d}`,
      String(n),
      `0x${n.toString(16)}`,
      [a, b, c, d].map((o) => `0x${o!.toString(16)}`).join('.'),
      [a, b, c, d].map((o) => `0${o!.toString(8)}`).join('.'),
      `${a}.${(b! << 16) + (c! << 8) + d!}`,
      `${a}.${b}.${(c! << 8) + d!}`,
      `${a}.${b}.${c}.${d}.`,
      `http://${a}.${b}.${c}.${d}:8080/x`,
      `http://0x${n.toString(16)}/`,
      `//${n}/`,
      `[::ffff:${a}.${b}.${c}.${d}]`,
    ];
  };
  let checked = 0;
  fc.assert(
    fc.property(octets, (parts) => {
      const dotted = parts.join('.');
      return notations(parts).every((form) => {
        checked++;
        // What the socket sees: the host as a URL parser reads it.
        const host = new URL(form.includes('//') ? (form.startsWith('//') ? `http:${form}` : form) : `http://${form}/`).hostname;
        const sameClass = classifyAddress(canonicalHost(host) ?? host) === classifyAddress(dotted);
        const controls = findHostControllingInput({ hostname: host }, [input(form)]) !== undefined;
        if (!controls || !sameClass) t.fail(`${form} (host ${host}): controls=${controls} sameClass=${sameClass}`);
        return controls && sameClass;
      });
    }),
    { seed: SEED, numRuns: 200 },
  );
  t.ok(checked >= 200 * 12, `${checked} notations of 200 addresses`);
});
