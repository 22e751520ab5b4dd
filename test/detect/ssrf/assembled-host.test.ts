// A host assembled from several inputs none of which names it alone (assembled-host.ts):
// found when the inputs, left to right with only app-written separators between them,
// spell an IP whole or a run of whole labels of a name; not for numbers that merely line
// up between app-written dots, nor for inputs that leave part of the host to the app.
import t from 'tap';
import { findHostControllingInput } from '../../../src/detect/ssrf';
import type { UserInput } from '../../../src/detect/types';

const q = (path: string, value: string): UserInput => ({ source: 'query', path, value });
const controller = (hostname: string, values: Record<string, string>) =>
  findHostControllingInput({ hostname }, Object.entries(values).map(([k, v]) => q(k, v)))?.path;

t.test('pieces of one IP, split inside an octet run', async (t) => {
  t.equal(controller('169.254.169.254', { sub: '169.254.169', domain: '254' }), 'sub', '`${sub}.${domain}`, blamed on the longest piece');
  t.equal(controller('127.0.0.1', { host: '127.0', rest: '0.1' }), 'host', '`${host}.${rest}`');
  t.equal(controller('127.0.0.1', { a: '127.0.', b: '0.1' }), 'a', 'no separator written by the app');
  t.equal(controller('127.0.0.1', { a: '12', b: '7.0.0.1' }), 'b', 'split inside a number');
  t.equal(controller('127.0.0.1', { a: 'http://127.0', b: '0.1:6379/x' }), 'a', 'URL-ish inputs that begin and end the host');
  t.equal(controller('127.0.0.1', { a: '127.0', b: '0.1:6379' }), 'a', 'an input that ends the host before its port');
  t.equal(controller('127.0.0.1', { a: 'http://site/x/127.0', b: '0.1' }), undefined, 'a path’s last segment does not begin a host');
  t.equal(controller('[::1]', { a: ':', b: ':1' }), undefined, 'separators alone spell nothing');
});

t.test('pieces of a name: a run of whole labels', async (t) => {
  t.equal(controller('localhost', { a: 'local', b: 'host' }), 'a', '`${a}${b}`');
  t.equal(controller('metadata.google.internal', { a: 'meta', b: 'data.google.internal' }), 'b');
  t.equal(controller('admin.corp.example', { a: 'ad', b: 'min' }), 'b', 'a whole label, the app writing the rest');
});

t.test('not assembled', async (t) => {
  t.equal(controller('10.0.0.5', { limit: '10', offset: '0', page: '0', size: '5' }), undefined, 'bare numbers between app-written dots');
  t.equal(controller('10.0.0.5', { limit: '10', offset: '0' }), undefined, 'the app writes the rest of the IP');
  t.equal(controller('10.0.0.5', { a: '10.0', b: '0' }), undefined, 'part of the IP left to the app');
  t.equal(controller('127.0.0.1', { a: '127.0' }), undefined, 'one input alone is the one-input rule’s business');
  t.equal(controller('127.0.0.1', { a: '127.0', b: '127.0' }), undefined, 'the same text twice is one piece');
  t.equal(controller('api.example.com', { a: 'ap', b: 'ex' }), undefined, 'pieces that are not next to each other');
  t.equal(controller('api.example.com', { a: 'pi', b: 'exa' }), undefined, 'a run that starts inside a label');
  t.equal(controller('localhost', { a: 'local', b: 'hostname' }), undefined, 'a piece longer than what is left');
  t.equal(controller('localhost', { a: 'local', b: 'ho st' }), undefined, 'not host text');
});

t.test('bounded: many short inputs that all occur in the host', async (t) => {
  const values: Record<string, string> = {};
  for (let i = 0; i < 200; i++) values[`k${i}`] = 'a'.repeat(1 + (i % 7));
  t.equal(controller(`${'a'.repeat(60)}.example`, values), undefined, 'one text in many inputs is one piece');
  // 16 distinct runs of `a` cover the host's `a`s in countless ways, never its last `b`: the
  // search would be exponential; it stops at its step bound with the right answer.
  const runs: Record<string, string> = {};
  for (let i = 1; i <= 16; i++) runs[`k${i}`] = 'a'.repeat(i);
  t.equal(controller(`${'a'.repeat(136)}b`, runs), undefined, 'no cover, found within the bound');
});
