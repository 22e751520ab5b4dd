// rampart beside the OpenTelemetry line npm offers for Node 20 (NodeSDK 0.223 on the 2.x SDK,
// auto-instrumentations 0.81, instrumentation 0.223: test/fixtures/coexistence-node20), every
// start order and the disable()/enable() cycle. See test/helpers/coexistence.ts.
import { coexistenceSuite } from '../helpers/coexistence';

coexistenceSuite({ tool: 'otel', cycle: true, packages: 'coexistence-node20' });
