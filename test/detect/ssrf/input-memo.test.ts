// findHostControllingInput keeps per-input host facts across calls with the same inputs
// array, and the last destination's canonical form. Neither may outlive what it was
// derived from.

import t from 'tap';
import { findHostControllingInput } from '../../../src/detect/ssrf';
import type { UserInput } from '../../../src/detect/types';

type Mutable = { source: 'query'; path: string; value: string };
const q = (value: string, path = 'url'): Mutable => ({ source: 'query', path, value });
const controls = (hostname: string, inputs: readonly UserInput[]) => findHostControllingInput({ hostname }, inputs) !== undefined;

t.test('a value changed in place is looked at afresh', async (t) => {
  const input = q('hello');
  const list = [q('Mozilla/5.0 (X11)', 'user-agent'), input];
  t.equal(controls('evil.com', list), false);
  input.value = 'http://evil.com/x';
  t.equal(controls('evil.com', list), true);
  input.value = 'http://%65vil.com/x';
  t.equal(controls('evil.com', list), true, 'an encoded spelling too');
  input.value = 'hello';
  t.equal(controls('evil.com', list), false, 'and back');
});

t.test('another object at the same place, with the same path, is its own input', async (t) => {
  const list: Mutable[] = [q('http://localhost/')];
  t.equal(controls('127.0.0.1', list), false);
  list[0] = q('http://2130706433/');
  t.equal(controls('127.0.0.1', list), true, 'an IP in another notation');
  list[0] = q('http://2130706434/');
  t.equal(controls('127.0.0.1', list), false);
});

t.test('the same inputs judged against changing destinations', async (t) => {
  const list = [q('https://API.partner.example/v1'), q('0x7f.1')];
  t.equal(findHostControllingInput({ hostname: 'api.partner.example' }, list), list[0]);
  t.equal(findHostControllingInput({ hostname: 'api.partner.examplf' }, list), undefined, 'same length, another host');
  t.equal(findHostControllingInput({ hostname: '127.0.0.1' }, list), list[1]);
  t.equal(findHostControllingInput({ hostname: 'API.PARTNER.EXAMPLE.' }, list), list[0], 'another spelling of the first');
  t.equal(findHostControllingInput({ hostname: '', href: 'http://127.0.0.2/' }, list), undefined);
});

t.test('values that differ only in case name the same host', async (t) => {
  const input = q('EVIL.com');
  const list = [input];
  t.equal(controls('evil.com', list), true);
  input.value = 'evil.com';
  t.equal(controls('evil.com', list), true);
  input.value = 'EVIL.con';
  t.equal(controls('evil.com', list), false);
});
