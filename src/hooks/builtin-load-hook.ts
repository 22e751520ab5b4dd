// Hands the instrumentation a builtin that exists only under its `node:` name (node:sqlite)
// the first time the app asks for it through `require` or `process.getBuiltinModule`.
//
// Such a builtin is not patched at start like http or fs: loading it prints an
// ExperimentalWarning in every app that never uses it. And it never passes through
// Module.prototype.load (load-hook.ts), which sees only files. So the two ways CommonJS
// code reaches a builtin are wrapped, with one string comparison per call, and the builtin
// is patched in place before the app gets it; its exports are one object per process, so
// later calls find it patched already. An ES module's `import 'node:sqlite'` is handled by
// import-in-the-middle like any package.
import Module from 'node:module';

type OnBuiltin = (exports: unknown, name: string) => void;
type Require = (this: unknown, id: string) => unknown;
type GetBuiltinModule = (id: string) => unknown;

export class BuiltinLoadHook {
  private readonly originalRequire: Require;
  private readonly installedRequire: Require;
  private readonly originalGetBuiltin: GetBuiltinModule | undefined;
  private readonly installedGetBuiltin: GetBuiltinModule | undefined;
  private readonly seen = new Set<string>();
  private active = true;

  constructor(
    private readonly names: ReadonlySet<string>,
    private readonly onBuiltin: OnBuiltin,
  ) {
    const proto = Module.prototype as unknown as { require: Require };
    const originalRequire = proto.require;
    const hook = this;
    this.originalRequire = originalRequire;
    this.installedRequire = function require(this: unknown, id: string): unknown {
      // eslint-disable-next-line prefer-rest-params
      const exports = originalRequire.apply(this, arguments as unknown as [string]);
      if (hook.active && typeof id === 'string') hook.delivered(id, exports);
      return exports;
    };
    proto.require = this.installedRequire;

    const proc = process as unknown as { getBuiltinModule?: GetBuiltinModule };
    const originalGetBuiltin = proc.getBuiltinModule;
    this.originalGetBuiltin = originalGetBuiltin;
    if (typeof originalGetBuiltin === 'function') {
      this.installedGetBuiltin = function getBuiltinModule(id: string): unknown {
        // eslint-disable-next-line prefer-rest-params
        const exports = originalGetBuiltin.apply(process, arguments as unknown as [string]);
        if (hook.active && typeof id === 'string') hook.delivered(id.startsWith('node:') ? id : `node:${id}`, exports);
        return exports;
      };
      proc.getBuiltinModule = this.installedGetBuiltin;
    }
  }

  /** Restores what it wrapped, or steps aside where another tool wrapped it since. */
  unhook(): void {
    this.active = false;
    const proto = Module.prototype as unknown as { require: Require };
    if (proto.require === this.installedRequire) proto.require = this.originalRequire;
    const proc = process as unknown as { getBuiltinModule?: GetBuiltinModule };
    if (this.installedGetBuiltin !== undefined && proc.getBuiltinModule === this.installedGetBuiltin) proc.getBuiltinModule = this.originalGetBuiltin;
  }

  private delivered(id: string, exports: unknown): void {
    if (!this.names.has(id) || this.seen.has(id) || exports === undefined) return;
    this.seen.add(id);
    this.onBuiltin(exports, id);
  }
}
