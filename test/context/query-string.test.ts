// The query string splitter against URLSearchParams, the parser it stands in for, and the
// inputs collected from repeated names (HTTP parameter pollution).
import t from 'tap';
import { collectQuery, queryPairs } from '../../src/context/query-string';
import type { WalkBudget } from '../../src/context/walk';
import type { UserInput } from '../../src/detect/types';

function reference(queryString: string): string[] {
  const pairs: string[] = [];
  for (const [name, value] of new URLSearchParams(queryString)) pairs.push(name, value);
  return pairs;
}

function budget(inputsLeft = 10_000): WalkBudget {
  return { inputsLeft, bytesLeft: 1 << 20, exceeded: undefined };
}

t.test('splits exactly as URLSearchParams does', async (t) => {
  const cases = [
    '', '?', '??a=1', '?a=1', 'a', 'a=', '=a', '=', '&', '&&a=1&&', 'a=1&b=2', 'a=1=2', 'a==b',
    'name=user42', 'tag=a&tag=b&tag=c', 'q=winter%20boots', 'q=a+b', 'x=%', 'x=%zz', 'x=%2527',
    'k=caf\u00e9', 'k=\ud83d\ude00', 'k=\ud800', 'a=1;b=2', 'a[b]=1&a[c]=2', 'a=1&=&b', '&=&=&',
    "id=1' OR '1'='1", 'path=../../etc/passwd', 'cmd=;cat /etc/passwd', 'u=http://127.0.0.1:8080/x?y=1#z',
  ];
  for (const qs of cases) t.same(queryPairs(qs), reference(qs), JSON.stringify(qs));
  // Random strings over the characters that matter to the split and the decode.
  const alphabet = ['a', 'b', '=', '&', '?', '%', '2', '0', '+', ';', '\u00e9', ' ', '#'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let same = 0;
  for (let n = 0; n < 2000; n++) {
    let qs = '';
    const length = Math.floor(next() * 24);
    for (let i = 0; i < length; i++) qs += alphabet[Math.floor(next() * alphabet.length)];
    if (JSON.stringify(queryPairs(qs)) === JSON.stringify(reference(qs))) same++;
    else t.fail(`differs on ${JSON.stringify(qs)}`);
  }
  t.equal(same, 2000, '2000 random query strings split the same');
});

t.test('a hostile query string is split in linear time', async (t) => {
  // One `=` at the end of 200k pieces: a search for each piece's `=` from its start would be quadratic.
  const qs = 'a&'.repeat(200_000) + '=x';
  const started = process.hrtime.bigint();
  const pairs = queryPairs(qs);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.equal(pairs.length, 400_002, 'every piece is a pair');
  t.equal(pairs[pairs.length - 2], '', 'the last piece has an empty name');
  t.ok(ms < 2000, `split in ${ms.toFixed(1)} ms`);
});

t.test('repeated names add their comma-joined values once, in order, for small and large queries', async (t) => {
  for (const filler of [0, 40]) {
    const extra = Array.from({ length: filler }, (_, i) => `f${i}=v${i}`).join('&');
    const qs = `tag=a&x=1&tag=b&y=2&tag=c&x=3${extra ? '&' + extra : ''}`;
    const out: UserInput[] = [];
    collectQuery(qs, budget(), out);
    const joined = out.filter((i) => i.value.includes(','));
    t.same(joined.map((i) => [i.path, i.value]), [['tag', 'a,b,c'], ['x', '1,3']], `${filler} other parameters`);
    t.equal(out.filter((i) => i.path === 'tag').length, 4, 'three values and the joined form');
  }
});

t.test('the input budget bounds the parameters looked at', async (t) => {
  const qs = Array.from({ length: 50 }, (_, i) => `k=${i}`).join('&');
  const b = budget(10);
  const out: UserInput[] = [];
  collectQuery(qs, b, out);
  t.equal(b.exceeded?.bound, 'maxInputs', 'the input limit is recorded');
  t.ok(out.length <= 10, `${out.length} inputs kept`);
});
