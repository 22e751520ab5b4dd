// detectArgumentInjection skips an input unless it can be in the argument (no longer than
// it and found in it) or, for an option, hold it as a blank-separated word. These are the
// cases at the edges of that shortcut.

import t from 'tap';
import { detectArgumentInjection } from '../../../src/detect/shell';
import type { UserInput } from '../../../src/detect/types';

const q = (value: string): UserInput => ({ source: 'query', path: 'q', value });
const reason = (file: string, args: string[], value: string) => detectArgumentInjection(file, args, [q('Mozilla/5.0 (X11)'), q(value)])?.reason;

t.test('an input longer than the option, split into arguments by the app', async (t) => {
  const option = 'the input supplies the dangerous option --upload-pack to git';
  t.equal(reason('git', ['clone', 'x', '--upload-pack=touch', '/tmp/p'], 'x --upload-pack=touch /tmp/p'), option);
  t.equal(reason('git', ['clone', 'x', '--upload-pack=y'], 'x\t--upload-pack=y'), option, 'split on a tab');
  t.equal(reason('git', ['clone', 'a-b', '--upload-pack=y'], 'a-b --upload-pack=y'), option, 'a dash inside an earlier word');
  t.equal(reason('git', ['clone', 'a-b', '--upload-pack=y'], 'a-b'), undefined, 'the option is the app’s');
});

t.test('an input inside an argument', async (t) => {
  t.equal(reason('git', ['clone', '--upload-pack=x'], '--upload-pack=x'), 'the input supplies the dangerous option --upload-pack to git', 'equal');
  t.equal(reason('git', ['clone', '--upload-p'], '--upload-p'), 'the input supplies the dangerous option --upload-pack to git', 'abbreviation');
  t.equal(reason('ssh', ['-oProxyCommand=id', 'host'], 'ProxyCommand=id'), 'the input supplies ProxyCommand to ssh', 'after a short option');
  t.equal(reason('git', ['clone', '--template=ext::sh'], 'ext::sh'), 'the input supplies ext:: to git', 'after an =');
  t.equal(reason('git', ['log', '--oneline', '-n', '20'], '--oneline -n 20 --output=x'), undefined, 'longer than every argument and not split into them');
});
