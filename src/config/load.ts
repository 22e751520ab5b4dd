// Resolves the configuration from its sources, in rising precedence:
// defaults < rampart.json (or RAMPART_CONFIG) < RAMPART_* env vars < start() options.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ATTACK_KINDS, type AttackKind } from '../detect/types';
import { DEFAULT_CONFIG } from './defaults';
import { RampartConfigError } from './errors';
import type { Config, Mode } from './types';
import type { PartialConfig } from './validate';
import type * as Validate from './validate';
import { lazily } from '../lazy';

// The checker (the schema and its messages) loads only when there is something to check:
// a start with no rampart.json, RAMPART_* variable or start() options never needs it.
const validation = lazily(() => require('./validate') as typeof Validate);
const validateConfig = (raw: unknown, origin: string): PartialConfig => validation().validateConfig(raw, origin);

const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

export interface ConfigSources {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly options?: unknown;
}

export function loadConfig(sources: ConfigSources): Config {
  const fromOptions = sources.options === undefined ? {} : validateConfig(sources.options, 'in start() options');
  const optionFile = (sources.options as { configFile?: unknown } | undefined)?.configFile;
  const fromFile = readConfigFile(sources.cwd, sources.env, typeof optionFile === 'string' ? optionFile : undefined);
  const fromEnv = configFromEnv(sources.env);
  return freeze(merge([fromFile, fromEnv, fromOptions]));
}

function readConfigFile(cwd: string, env: ConfigSources['env'], explicit: string | undefined): PartialConfig {
  const named = explicit ?? env.RAMPART_CONFIG;
  const file = resolve(cwd, named ?? 'rampart.json');
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_CONFIG_FILE_BYTES) {
      throw new RampartConfigError('configFile', file, `a JSON file under ${MAX_CONFIG_FILE_BYTES} bytes`, `in ${file}`);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof RampartConfigError) throw error;
    // A missing default file is normal; a file the user named must exist.
    if (named === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new RampartConfigError('configFile', file, 'a readable JSON file', `(${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RampartConfigError('configFile', file, 'valid JSON', `in ${file} (${(error as Error).message})`);
  }
  return validateConfig(parsed, `in ${file}`);
}

const ENV_KEYS: Readonly<Record<string, (value: string) => unknown>> = {
  RAMPART_MODE: (v) => ({ mode: v }),
  RAMPART_LOG_LEVEL: (v) => ({ logLevel: v }),
  RAMPART_LOG_DESTINATION: (v) => ({ logDestination: v }),
  RAMPART_LOGGER: (v) => ({ logger: v }),
  RAMPART_LOG_FINDINGS: (v) => ({ telemetry: { logFindings: v } }),
  RAMPART_TRUST_PROXY: (v) => ({ trustProxy: v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v }),
  RAMPART_BLOCK_STATUS: (v) => ({ blockResponse: { status: /^\d+$/.test(v) ? Number(v) : v } }),
  RAMPART_INCLUDE_INPUT_VALUE: (v) => ({ telemetry: { includeInputValue: v === 'true' ? true : v === 'false' ? false : v } }),
  RAMPART_ALLOW_FULL_QUERY_INPUT: (v) => ({ sql: { allowFullQueryInput: v === 'true' ? true : v === 'false' ? false : v } }),
  RAMPART_CONFIG: () => ({}),
  // Read by the start pack itself (src/start-cache.ts), before the config loads; checked here.
  RAMPART_START_CACHE: (v) => {
    if (v !== 'on' && v !== 'off') throw new RampartConfigError('RAMPART_START_CACHE', v, 'on, off', 'in the environment');
    return {};
  },
  ...Object.fromEntries(
    ATTACK_KINDS.map((kind) => [`RAMPART_${kind.toUpperCase()}_MODE`, (v: string) => ({ modes: { [kind]: v } })]),
  ),
};

function configFromEnv(env: ConfigSources['env']): PartialConfig {
  let merged: PartialConfig = {};
  for (const name of Object.keys(env)) {
    if (!name.startsWith('RAMPART_')) continue;
    const value = env[name];
    if (value === undefined || value === '') continue;
    const translate = ENV_KEYS[name];
    if (translate === undefined) {
      throw new RampartConfigError(name, value, `one of the variables ${Object.keys(ENV_KEYS).join(', ')}`, 'in the environment');
    }
    merged = merge([merged, validateConfig(translate(value.trim()), `in the environment (${name})`)]);
  }
  return merged;
}

/** Later sources win; objects merge one level deep, arrays are replaced. */
function merge(layers: readonly PartialConfig[]): PartialConfig {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const current = out[key];
      if (isPlainObject(value) && isPlainObject(current) && key !== 'blockResponse') {
        out[key] = { ...current, ...value };
      } else if (key === 'blockResponse' && isPlainObject(current)) {
        out[key] = { ...current, ...(value as object) };
      } else {
        out[key] = value;
      }
    }
  }
  return out as PartialConfig;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function freeze(partial: PartialConfig): Config {
  const d = DEFAULT_CONFIG;
  const mode: Mode = partial.mode ?? d.mode;
  const overrides: Partial<Record<AttackKind, Mode>> = partial.modes ?? {};
  // A per-kind setting beats the global mode, except that a global 'off' is a kill switch.
  const modes = Object.fromEntries(
    ATTACK_KINDS.map((kind) => [kind, mode === 'off' ? 'off' : (overrides[kind] ?? mode)]),
  ) as Record<AttackKind, Mode>;
  const config: Config = {
    mode,
    modes,
    allow: { ...d.allow, ...partial.allow },
    blockResponse: { ...d.blockResponse, ...partial.blockResponse },
    logLevel: partial.logLevel ?? d.logLevel,
    logDestination: partial.logDestination ?? d.logDestination,
    logger: partial.logger ?? d.logger,
    trustProxy: partial.trustProxy ?? d.trustProxy,
    limits: { ...d.limits, ...partial.limits },
    sql: { ...d.sql, ...partial.sql },
    shell: { ...d.shell, ...partial.shell },
    path: { ...d.path, ...partial.path },
    ssrf: { ...d.ssrf, ...partial.ssrf },
    telemetry: { ...d.telemetry, ...partial.telemetry },
  };
  // The app's logger is the app's object: held, never frozen.
  return deepFreeze(config, typeof config.logger === 'object' ? config.logger : undefined);
}

function deepFreeze<T>(value: T, keep?: unknown): T {
  if (value !== null && typeof value === 'object' && value !== keep && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child, keep);
  }
  return value;
}
