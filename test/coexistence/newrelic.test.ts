// rampart beside newrelic (its own shim): every start order. See test/helpers/coexistence.ts and docs/coexistence.md.
import { coexistenceSuite } from '../helpers/coexistence';

coexistenceSuite({ tool: 'newrelic' });
