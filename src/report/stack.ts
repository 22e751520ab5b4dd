// `code.stacktrace` of a finding: V8's own frame lines ("    at fn (file:line:col)"),
// starting at the app's call site. Frames above it (rampart's wrappers, other agents'
// wrappers, the driver's own code) are dropped, and so are rampart's frames anywhere; what
// follows the app frame stays in V8's order, so the route and middleware chain is readable.
import { dirname, sep } from 'node:path';

/** Frames captured: enough to get past driver, agent and framework frames to the app's. */
const FRAMES_CAPTURED = 64;

// rampart's own directory (dist/ or src/), with the separator so `dist-foo/` does not match.
const OWN_DIR = dirname(__dirname) + sep;

/** A frame of the app's own code: not rampart, not Node's internals, not a dependency. */
function isAppFrame(line: string): boolean {
  return !line.includes('node_modules') && !line.includes('(node:') && !line.includes('at node:') && !line.includes(OWN_DIR);
}

/** The stack that led to `below` (excluded), or undefined when it holds no frame worth reporting. */
export function captureAppStack(below: (...args: never[]) => unknown): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = FRAMES_CAPTURED;
  try {
    Error.captureStackTrace(holder, below);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return appFirst(holder.stack ?? '');
}

/** From a V8 stack (header line first): the frames from the first app frame on, rampart's removed. */
export function appFirst(stack: string): string | undefined {
  const frames = stack.split('\n').slice(1).filter((line) => line.length > 0 && !line.includes(OWN_DIR));
  const first = frames.findIndex(isAppFrame);
  const kept = first === -1 ? frames : frames.slice(first);
  return kept.length === 0 ? undefined : kept.join('\n');
}
