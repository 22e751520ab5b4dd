// rampart beside elastic-apm-node (its own shimmer copy, private markers): every start order. See test/helpers/coexistence.ts and docs/coexistence.md.
import { coexistenceSuite } from '../helpers/coexistence';

coexistenceSuite({ tool: 'elastic' });
