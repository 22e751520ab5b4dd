// The memory of texts the app sent without input: exact texts only, bounded.
import t from 'tap';
import { AppTextMemory } from '../../src/detect/app-text';
import { detectShellInjection } from '../../src/detect/shell';

t.test('exact texts only; long texts are neither kept nor found', async (t) => {
  const m = new AppTextMemory();
  m.remember('SELECT 1');
  t.ok(m.knows('SELECT 1'));
  t.notOk(m.knows('SELECT 1 '));
  t.notOk(m.knows('select 1'));
  const long = 'x'.repeat(5000);
  m.remember(long);
  t.notOk(m.knows(long));
  t.equal(m.size, 1);
});

t.test('when full it starts over rather than growing', async (t) => {
  const m = new AppTextMemory();
  for (let i = 0; i < 5000; i++) m.remember(`SELECT ${i}`);
  t.ok(m.size <= 2048, `size ${m.size}`);
  t.ok(m.knows('SELECT 4999'), 'the latest text is known');
});

t.test('shell: a script the app ran without input is its own; attacks still flagged', async (t) => {
  const m = new AppTextMemory();
  const input = (value: string) => [{ source: 'query' as const, path: 'q', value }];
  const health = 'curl -sf http://redis:6379/ping && echo up || echo down';
  t.equal(detectShellInjection(health, input('&&'), m)?.rule, 'cmdi.operator', 'first sight');
  t.equal(detectShellInjection(health, input('nothing here'), m), undefined);
  t.equal(detectShellInjection(health, input('&&'), m), undefined, 'known text: coincidence');
  t.equal(detectShellInjection(health, input('|| echo'), m), undefined);
  const attack = 'curl -sf http://redis:6379/ping && cat /etc/passwd';
  t.equal(detectShellInjection(attack, input('redis:6379/ping && cat /etc/passwd'), m)?.rule, 'cmdi.operator');
});
