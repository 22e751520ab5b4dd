// `rampart/next`: wraps a Next.js configuration so the server build leaves every package
// rampart hooks (and rampart itself) outside its bundles, through `serverExternalPackages`
// (Next.js 15 and later; App Router, Pages Router with bundlePagesRouterDependencies, webpack
// and Turbopack alike). Plain functions: no dependency on Next.js.
import { externalPackages } from './hooked-packages';

/** The part of a Next.js configuration the helper reads and writes. */
export interface NextConfigLike {
  serverExternalPackages?: string[];
  transpilePackages?: string[];
  experimental?: { optimizePackageImports?: string[] };
}

/** next.config may also export a function of the phase, sync or async. */
export type NextConfigFunction<C> = (phase: string, context: { defaultConfig: NextConfigLike }) => C | Promise<C>;

/**
 * `module.exports = withRampart(nextConfig)` (or `export default withRampart(...)`). The
 * packages the app asks Next.js to transpile are left out: Next refuses a package that is
 * both transpiled and external, and such a package is bundled on purpose (rampart's start-up
 * warning then names it if rampart hooks it).
 */
export function withRampart<C extends NextConfigLike>(config: C): WithExternals<C>;
export function withRampart<C extends NextConfigLike>(config: NextConfigFunction<C>): NextConfigFunction<WithExternals<C>>;
export function withRampart<C extends NextConfigLike>(config: C | NextConfigFunction<C>): WithExternals<C> | NextConfigFunction<WithExternals<C>> {
  if (typeof config === 'function') {
    return (phase, context) => {
      const made = config(phase, context);
      return made instanceof Promise ? made.then(addExternals) : addExternals(made);
    };
  }
  return addExternals(config ?? ({} as C));
}

export type WithExternals<C> = C & { serverExternalPackages: string[] };

function addExternals<C extends NextConfigLike>(config: C): WithExternals<C> {
  const bundledOnPurpose = new Set([...(config.transpilePackages ?? []), ...(config.experimental?.optimizePackageImports ?? [])]);
  const own = config.serverExternalPackages ?? [];
  const added = externalPackages().filter((name) => !bundledOnPurpose.has(name) && !own.includes(name));
  return { ...config, serverExternalPackages: [...own, ...added] };
}
