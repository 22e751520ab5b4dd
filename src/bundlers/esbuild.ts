// `rampart/esbuild`: an esbuild plugin that leaves every package rampart hooks (and rampart
// itself) outside the bundle, as a runtime require/import, so rampart's hooks patch it when
// it loads. Plain objects: rampart does not depend on esbuild; the shape is esbuild's Plugin.
import { externalPackages } from './hooked-packages';

/** The part of esbuild's PluginBuild the plugin uses. */
export interface EsbuildPluginBuild {
  onResolve(options: { filter: RegExp }, callback: (args: { path: string }) => { path: string; external: boolean }): void;
}

export interface EsbuildPlugin {
  name: string;
  setup(build: EsbuildPluginBuild): void;
}

/** `esbuild.build({ ..., plugins: [rampartEsbuildPlugin()] })` */
export function rampartEsbuildPlugin(): EsbuildPlugin {
  return {
    name: 'rampart-externals',
    setup(build) {
      // A package and any file inside it (`pg`, `pg/lib/client`); `pg-pool` is its own entry.
      const filter = new RegExp(`^(?:${externalPackages().map(escapeRegExp).join('|')})(?:/.*)?$`);
      build.onResolve({ filter }, (args) => ({ path: args.path, external: true }));
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
