// `rampart check-config [file]`: loads a configuration exactly as the agent does (same
// sources, same validation, same messages) without starting anything.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load';
import { RampartConfigError } from '../config/errors';

/** Exit status 78 (EX_CONFIG) on an invalid configuration, as the preload uses. */
export function checkConfig(file: string | undefined, cwd: string, env: NodeJS.ProcessEnv): { code: number; out: string } {
  const named = file ?? env.RAMPART_CONFIG;
  const shown = resolve(cwd, named ?? 'rampart.json');
  try {
    const config = loadConfig({ cwd, env, options: file === undefined ? undefined : { configFile: file } });
    const source = named === undefined && !existsSync(shown) ? 'no rampart.json here: defaults and RAMPART_* variables' : shown;
    const modes = Object.entries(config.modes).map(([k, m]) => `${k}=${m}`).join(', ');
    const allows = `${config.allow.routes.length} route, ${config.allow.inputs.length} input, ${config.allow.sinks.length} sink allow rules`;
    return { code: 0, out: `ok: ${source}\n  mode ${config.mode} (${modes})\n  ${allows}\n` };
  } catch (error) {
    if (error instanceof RampartConfigError) return { code: 78, out: `${error.message}\n` };
    throw error;
  }
}
