// rampart with @opentelemetry/api 1.9, @opentelemetry/api-logs, sdk-node 0.223 and SDK 2.x,
// the line npm resolves on Node 20 (see sdk-line.ts).
import t from 'tap';
import { LINES, testLine } from './sdk-line';

testLine(t, LINES.sdk2);
