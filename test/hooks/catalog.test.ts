// The package hooks are data (src/hooks/index.ts): each entry's name must be the one its
// hook declares, or the hook would be loaded for one package and patch it as another.
import t from 'tap';
import { MODULE_HOOKS } from '../../src/hooks';

t.test('every entry loads the hook it names', async (t) => {
  const names = MODULE_HOOKS.map((entry) => entry.module);
  t.equal(new Set(names).size, names.length, 'one entry per package or file');
  for (const entry of MODULE_HOOKS) {
    const hook = entry.load();
    t.equal(hook.module, entry.module, `${entry.module}: the loaded hook is for the same module`);
    t.equal(hook.esmOnly === true, entry.esmOnly === true, `${entry.module}: same esmOnly`);
    t.equal(typeof hook.patch, 'function');
    t.equal(entry.load(), hook, `${entry.module}: loading again returns the same hook`);
  }
});
