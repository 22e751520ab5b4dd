// A framework app in a child process started with `node --import rampart/register` (the
// built dist/), as an ESM user runs it, for frameworks that can only be loaded that way
// (ES module packages the test loader cannot resolve) and for the ESM import paths. Its
// finding events come from the child's own in-memory OTel capture
// (test/fixtures/child-events.mjs), fetched after each request.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { request } from '../helpers/http';
import { startChildApp, type ChildApp } from '../helpers/child';
import type { FindingEvents } from './support';

export interface FrameworkChild {
  readonly app: ChildApp;
  readonly base: string;
  /** The child's announce line: ports and whatever versions it reported. */
  readonly announced: Record<string, unknown>;
  readonly events: FindingEvents;
  /** Fetches the child's events; call after each request, before reading `events`. */
  refresh(): Promise<void>;
}

/**
 * Starts `script` with rampart in block mode and `ssrf.allowHosts: ['127.0.0.2']` (the
 * stand-in for a public host), logging silenced: events are read through OTel. With
 * `rampart: false` the same app runs unprotected, to show what an attack would do.
 */
export async function startFrameworkChild(t: Test, script: string, args: string[], env: Record<string, string>, configDir: string, options: { readonly rampart?: boolean } = {}): Promise<FrameworkChild> {
  const config = join(configDir, 'rampart.json');
  writeFileSync(config, JSON.stringify({ mode: 'block', logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } }));
  const preload = options.rampart === false ? [] : ['--import', 'rampart/register'];
  const app = await startChildApp([...preload, script, ...args], { ...env, RAMPART_CONFIG: config });
  t.teardown(() => app.stop());
  const announced = app.lines.find((line) => typeof line.listening === 'number')!;
  const control = `http://127.0.0.1:${announced.control as number}/`;
  let all: Array<{ attributes: Record<string, unknown> }> = [];
  let seen = 0;
  return {
    app,
    base: app.base,
    announced,
    events: {
      attacks: () => all.slice(seen),
      reset: () => void (seen = all.length),
    },
    async refresh() {
      all = (await request(control)).json() as typeof all;
    },
  };
}
