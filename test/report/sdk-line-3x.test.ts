// rampart with @opentelemetry/api 1.10, sdk-node 0.301 and SDK 3.x (see sdk-line.ts).
import t from 'tap';
import { LINES, testLine } from './sdk-line';

testLine(t, LINES.sdk3);
