// The per-request memo of derived input data: it must never hand out data derived from
// another input object or another value, whatever happens to the arrays and objects.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import { InputMemo } from '../../src/detect/input-memo';
import type { UserInput } from '../../src/detect/types';

const q = (value: string, path = 'q'): UserInput => ({ source: 'query', path, value });

t.test('data is returned only for the same input object with the same value', async (t) => {
  const memo = new InputMemo<string>();
  const a = q('alice');
  const list = [a];
  const row = memo.rowFor(list);
  t.equal(row.get(0, a, 'alice'), undefined, 'nothing derived yet');
  row.set(0, a, 'alice', 'derived from alice');
  t.equal(memo.rowFor(list), row, 'the same array finds its row again');
  t.equal(row.get(0, a, 'alice'), 'derived from alice');
  t.equal(row.get(0, a, 'ALICE'), undefined, 'same object, value in another case');
  t.equal(row.get(0, a, 'bob'), undefined, 'same object, value changed in place');
  t.equal(row.get(0, q('alice'), 'alice'), undefined, 'another object with the same path and value');
  t.equal(row.get(1, a, 'alice'), undefined, 'another index');
});

t.test('each array keeps its own row for as long as it lives', async (t) => {
  const memo = new InputMemo<string>();
  const a = q('alice');
  const first = [a];
  memo.rowFor(first).set(0, a, 'alice', 'first');
  t.equal(memo.rowFor([a]).get(0, a, 'alice'), undefined, 'a new array holding the same input has its own row');
  for (let i = 0; i < 100; i++) memo.rowFor([a]);
  t.equal(memo.rowFor(first).get(0, a, 'alice'), 'first', 'still found after a hundred other arrays: kept on the array, not in shared slots');
  t.equal(new InputMemo<string>().rowFor(first).get(0, a, 'alice'), undefined, 'another memo has its own row on the same array');
  t.same(Object.keys(first), ['0'], "the row is no enumerable property of the caller's array");
  t.same(JSON.parse(JSON.stringify(first)), [{ source: 'query', path: 'q', value: 'alice' }], 'the array serializes as before');
  const frozen = Object.freeze([a]);
  memo.rowFor(frozen).set(0, a, 'alice', 'derived once');
  t.equal(memo.rowFor(frozen).get(0, a, 'alice'), undefined, 'a frozen array gets a fresh row at each check (derived afresh)');
  t.ok(Object.isFrozen(frozen), 'and stays frozen');
});

t.test('nothing of an array is kept once the array is gone', async (t) => {
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as () => void;
  const memo = new InputMemo<object>();
  const watched: WeakRef<object>[] = [];
  // Many arrays, as many requests would leave: the memo must not keep the last few. Made in
  // a function of their own: a suspended async function keeps its last values itself.
  const check = (i: number): void => {
    const input = q(`value ${i}`);
    const derived = { from: input.value };
    memo.rowFor([input]).set(0, input, input.value, derived);
    watched.push(new WeakRef(input), new WeakRef(derived));
  };
  for (let i = 0; i < 12; i++) check(i);
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
  }
  t.equal(watched.filter((ref) => ref.deref() !== undefined).length, 0, 'every input and everything derived from it was collected');
});
