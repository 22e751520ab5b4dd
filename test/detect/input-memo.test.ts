// The per-request memo of derived input data: it must never hand out data derived from
// another input object or another value, whatever happens to the arrays and objects.

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

t.test('arrays not seen lately start empty; the oldest of many is dropped', async (t) => {
  const memo = new InputMemo<string>();
  const a = q('alice');
  const first = [a];
  memo.rowFor(first).set(0, a, 'alice', 'first');
  t.equal(memo.rowFor([a]).get(0, a, 'alice'), undefined, 'a new array holding the same input has its own row');
  for (let i = 0; i < 8; i++) memo.rowFor([a]);
  t.equal(memo.rowFor(first).get(0, a, 'alice'), undefined, 'evicted after 8 other arrays: derived afresh');
});
