/** How one third-party module is instrumented; version ranges live next to the patch. */
export interface ModuleHook {
  /** Package name as required, e.g. `better-sqlite3`. */
  readonly module: string;
  /** Major versions the hook is tested with; others are patched with a warning. */
  readonly testedMajors: readonly number[];
  /**
   * Patches the module's exports in place. Must be idempotent. May return replacement
   * exports instead, for CommonJS modules whose exports cannot be patched in place (esbuild
   * bundles export non-configurable getters); `unpatch` still receives the original exports.
   */
  patch(exports: unknown): unknown;
  unpatch(exports: unknown): void;
}

/** How one Node builtin is instrumented; builtins are patched in place at start. */
export interface BuiltinHook {
  readonly module: string;
  patch(exports: unknown): void;
  unpatch(exports: unknown): void;
}
