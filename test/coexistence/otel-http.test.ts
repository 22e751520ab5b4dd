// rampart beside OpenTelemetry with only @opentelemetry/instrumentation-http, including its disable()/enable() cycle: every start order. See test/helpers/coexistence.ts and docs/coexistence.md.
import { coexistenceSuite } from '../helpers/coexistence';

coexistenceSuite({ tool: 'otel-http', cycle: true });
