// Prototypes a module hands out at run time without exporting their classes (mariadb's
// esbuild bundles: connections, pools and clusters come only from factory functions). A
// hook declares the factories in its method table with the wrappers made here; the first
// object of each kind they return gets its prototype patched with that kind's table,
// before the app's own code sees it. `stop()` unpatches every prototype found, through the
// declaration's `also.unpatch`, so patch and unpatch still come from one table.
import { lastFunctionIndex } from '../refuse';
import type { WrapperFactory } from './methods-hook';
import { unwrapMethod, wrapMethod } from './wrap';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
/** Method name -> wrapper factory, for the prototype of one kind of object. */
export type PrototypeTable = Readonly<Record<string, WrapperFactory>>;

export class DiscoveredPrototypes {
  private readonly patched: Array<{ proto: object; names: string[] }> = [];
  private readonly seen = new WeakSet<object>();
  private active = false;

  /** For the declaration's `also`: switched on at patch, everything found undone at unpatch. */
  readonly lifecycle = {
    patch: (): void => {
      this.active = true;
    },
    unpatch: (): void => {
      // Factories wrapped in handed-out exports stay with the app; switched off, they patch nothing.
      this.active = false;
      for (const { proto, names } of this.patched.splice(0)) {
        for (const name of names) unwrapMethod(proto, name);
        this.seen.delete(proto);
      }
    },
  };

  private patchPrototypeOf(instance: unknown, table: PrototypeTable): void {
    if (!this.active || instance === null || typeof instance !== 'object') return;
    const proto = Object.getPrototypeOf(instance) as object | null;
    if (proto === null || proto === Object.prototype || this.seen.has(proto)) return;
    this.seen.add(proto);
    const names = Object.keys(table).filter((name) => typeof (proto as Record<string, unknown>)[name] === 'function');
    for (const name of names) wrapMethod(proto, name, (original) => table[name]!(original, undefined));
    this.patched.push({ proto, names });
  }

  /** A method returning an object whose prototype gets `table`. */
  returning(table: PrototypeTable): WrapperFactory {
    return (original) => {
      const self = this;
      return function (this: unknown) {
        // eslint-disable-next-line prefer-rest-params
        const result = original.apply(this, arguments as unknown as unknown[]);
        self.patchPrototypeOf(result, table);
        return result;
      };
    };
  }

  /** A method returning a promise of an object whose prototype gets `table`. */
  resolving(table: PrototypeTable): WrapperFactory {
    return (original) => {
      const self = this;
      return function (this: unknown) {
        // eslint-disable-next-line prefer-rest-params
        const result = original.apply(this, arguments as unknown as unknown[]);
        // A side branch: registered before the app's own continuation, so it runs first.
        if (result instanceof Promise) result.then((value) => self.patchPrototypeOf(value, table), () => undefined);
        return result;
      };
    };
  }

  /**
   * A method handing the object to a node-style callback `(err, object)`, its last
   * argument; `bind` wraps that callback first (to run it in the caller's request context).
   */
  callingBack(table: PrototypeTable, bind: (callback: AnyFunction) => AnyFunction): WrapperFactory {
    return (original) => {
      const self = this;
      return function (this: unknown) {
        // eslint-disable-next-line prefer-rest-params
        const args = arguments as unknown as unknown[];
        const i = lastFunctionIndex(args);
        if (i !== -1) {
          const cb = bind(args[i] as AnyFunction);
          args[i] = function (this: unknown, err: unknown, object: unknown) {
            if (err == null) self.patchPrototypeOf(object, table);
            // eslint-disable-next-line prefer-rest-params
            return cb.apply(this, arguments as unknown as unknown[]);
          };
        }
        return original.apply(this, args);
      };
    };
  }
}
