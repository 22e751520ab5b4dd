/** How one third-party module is instrumented; version ranges live next to the patch. */
export interface ModuleHook {
  /**
   * Package name as required, e.g. `better-sqlite3`; or a builtin that only exists under its
   * `node:` name (`node:sqlite`), hooked when the app loads it (instrument.ts).
   */
  readonly module: string;
  /**
   * Versions the hook is tested with, as a semver range (`>=8 <9`, `11.x || 12.x`), like
   * OpenTelemetry's module definitions. Other versions are protected too, with a warning.
   */
  readonly versions: string;
  /**
   * Only for ES module imports (import-in-the-middle): a package whose ESM build is a
   * separate set of files that require() never loads. Not hooked through require.
   */
  readonly esmOnly?: boolean;
  /**
   * Patches the module's exports in place. Must be idempotent. May return replacement
   * exports instead, for CommonJS modules whose exports cannot be patched in place (esbuild
   * bundles export non-configurable getters); `unpatch` still receives the original exports.
   * `basedir` is the package's directory, when known, for hooks that reach sibling files.
   */
  patch(exports: unknown, basedir?: string): unknown;
  unpatch(exports: unknown): void;
}

/** How one Node builtin is instrumented; builtins are patched in place at start. */
export interface BuiltinHook {
  readonly module: string;
  patch(exports: unknown): void;
  unpatch(exports: unknown): void;
}

/**
 * A package hook as data (hooks/index.ts): the package or file it applies to, and how to
 * load the hook itself, which happens only once that package is required or imported.
 */
export interface ModuleHookEntry {
  /** The same as the loaded hook's `module`. */
  readonly module: string;
  /** The same as the loaded hook's `esmOnly`. */
  readonly esmOnly?: boolean;
  load(): ModuleHook;
}
