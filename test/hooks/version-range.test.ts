// The hook declarations' version ranges, against the semver meaning of each notation.
import t from 'tap';
import { satisfies } from '../../src/hooks/version-range';

const CASES: ReadonlyArray<readonly [range: string, inside: readonly string[], outside: readonly string[]]> = [
  ['>=8.0.0 <9', ['8.0.0', '8.16.3'], ['7.9.9', '9.0.0', '10.1.0']],
  ['^3.0.0', ['3.0.0', '3.14.1'], ['2.9.0', '4.0.0']],
  ['^0.5.1', ['0.5.1', '0.5.9'], ['0.6.0', '0.5.0']],
  ['11.x || 12.x', ['11.0.0', '12.6.2'], ['10.9.0', '13.0.0']],
  ['5 || 6', ['5.1.7', '6.0.1'], ['4.0.0', '7.0.0']],
  ['~7.2', ['7.2.0', '7.2.9'], ['7.3.0', '7.1.9']],
  ['>2.1 <=3', ['2.2.0', '3.9.9'], ['2.1.5', '4.0.0']],
  ['=1.2.3', ['1.2.3', '1.2.3-beta.1'], ['1.2.4']],
  ['*', ['0.0.1', '99.0.0'], []],
];

t.test('each notation includes and excludes the versions semver does', async (t) => {
  for (const [range, inside, outside] of CASES) {
    for (const version of inside) t.ok(satisfies(version, range), `${version} in ${range}`);
    for (const version of outside) t.notOk(satisfies(version, range), `${version} not in ${range}`);
  }
});

t.test('an unreadable version or range matches nothing, without throwing', async (t) => {
  t.notOk(satisfies('not-a-version', '>=1'));
  t.notOk(satisfies('1.2.3', '>=banana'));
  t.notOk(satisfies('', '*'));
});
