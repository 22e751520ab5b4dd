// rampart beside @sentry/node (OpenTelemetry instrumentations underneath, server emit wrapped per server): every start order. See test/helpers/coexistence.ts and docs/coexistence.md.
import { coexistenceSuite } from '../helpers/coexistence';

coexistenceSuite({ tool: 'sentry' });
