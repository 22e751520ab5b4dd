// Crash suite, fs: callback, promise, sync, stream and watcher calls refused, nothing read
// or written outside the served directory.
import t from 'tap';
import { crashSuite } from './suite';

crashSuite(t, 'path', (t, effects) => t.notOk(effects.canary, 'nothing written outside the served directory'));
