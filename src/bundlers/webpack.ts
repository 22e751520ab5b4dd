// `rampart/webpack`: a webpack 5 `externals` entry for server builds that leaves every
// package rampart hooks (and rampart itself) outside the bundle, loaded at run time through
// require, where rampart's hooks patch it. Plain functions: no dependency on webpack.
import { externalPackages, isExternalRequest } from './hooked-packages';

/**
 * How webpack loads the external at run time: `commonjs` (require, the default, for CommonJS
 * output), `node-commonjs` (require made with createRequire, for ES module output, webpack
 * 5.27 and later) or `module` (import, for ES module output with experiments.outputModule).
 */
export type ExternalsType = 'commonjs' | 'node-commonjs' | 'module';

export interface ExternalsOptions {
  readonly type?: ExternalsType;
}

/** The data webpack 5 passes to a function in `externals`. */
export interface ExternalItemData {
  readonly request?: string;
}

export type ExternalsCallback = (error?: Error | null, result?: string) => void;

export type RampartExternals = (data: ExternalItemData, callback: ExternalsCallback) => void;

const TYPES: readonly ExternalsType[] = ['commonjs', 'node-commonjs', 'module'];

/** `externals: [rampartWebpackExternals(), ...yourOtherExternals]` */
export function rampartWebpackExternals(options: ExternalsOptions = {}): RampartExternals {
  const type = options.type ?? 'commonjs';
  if (!TYPES.includes(type)) throw new TypeError(`rampartWebpackExternals: type must be one of ${TYPES.join(', ')}; got ${String(type)}`);
  const packages = externalPackages();
  return ({ request }, callback) => {
    if (typeof request === 'string' && isExternalRequest(request, packages)) callback(null, `${type} ${request}`);
    else callback();
  };
}

/**
 * Adds rampart's externals in front of a webpack configuration's own (an array, a single
 * entry or none), returning a new configuration.
 */
export function withRampartWebpack<C extends { externals?: unknown }>(config: C, options?: ExternalsOptions): Omit<C, 'externals'> & { externals: unknown[] } {
  const own = config.externals;
  const rest = own === undefined ? [] : Array.isArray(own) ? own : [own];
  return { ...config, externals: [rampartWebpackExternals(options), ...rest] };
}
