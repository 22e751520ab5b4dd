// Crash suite, child_process: every entry point refused in its own style, nothing runs.
import t from 'tap';
import { crashSuite } from './suite';

crashSuite(t, 'command', (t, effects) => t.notOk(effects.canary, 'the injected command did not run'));
