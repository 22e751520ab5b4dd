// Crash suite, outbound clients: the internal service's /secret is never reached.
import t from 'tap';
import { crashSuite } from './suite';

crashSuite(t, 'ssrf', (t, effects) => t.equal(effects.internal.secretHits, 0, 'the internal service was not hit'));
