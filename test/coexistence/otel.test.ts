// rampart beside OpenTelemetry NodeSDK with every auto-instrumentation, including the disable()/enable() cycle after rampart: every start order. See test/helpers/coexistence.ts and docs/coexistence.md.
import { coexistenceSuite } from '../helpers/coexistence';

coexistenceSuite({ tool: 'otel', cycle: true });
