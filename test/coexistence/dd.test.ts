// rampart beside dd-trace (its own shimmer, never unwraps): every start order. See test/helpers/coexistence.ts and docs/coexistence.md.
import { coexistenceSuite } from '../helpers/coexistence';

coexistenceSuite({ tool: 'dd' });
