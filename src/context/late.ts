// Inputs that appear after a request starts: a body parsed by middleware, route params
// matched by a router, a GraphQL document, an XML document, a WebSocket message. Each is
// a slot read at every sink check and walked again only when its value (reference)
// changes, so the first check sees it and later checks cost a comparison.
import type { InputSource, UserInput } from '../detect/types';
import { walkInputs, type WalkBudget } from './walk';

/** Turns a late value into inputs; the default walks it as a JSON-like tree. */
export type Collector = (value: unknown, source: InputSource, path: string, budget: WalkBudget, out: UserInput[], skip: ReadonlySet<string> | undefined) => void;

/** One input a framework keeps on its own request object, read at each check. */
export interface FrameworkSource<T> {
  readonly source: InputSource;
  /** Path prefix of the inputs, usually '' (a body's keys are the paths). */
  readonly path: string;
  readonly read: (target: T) => unknown;
  /**
   * The framework re-parses something rampart already collected from the raw request
   * (query string, cookies): values equal to an input of the same source are skipped, so
   * a request does not pay twice for them, while values the framework transformed
   * (split, decoded differently) still become inputs.
   */
  readonly dedupe?: boolean;
}

/** How to read one framework's request object; defined once per framework, shared by all requests. */
export interface FrameworkAdapter<T = any> {
  readonly name: string;
  readonly sources: readonly FrameworkSource<T>[];
  /** Route template (`/users/:id`), read only when a finding is reported. */
  readonly route?: (target: T) => string | undefined;
  /**
   * Called once when a sink refuses a call of this request (after the block response went
   * out): lets the framework treat the RampartBlockedError it is about to see as handled.
   */
  readonly onBlocked?: (target: T) => void;
}

export const walkCollector: Collector = (value, source, path, budget, out, skip) => walkInputs(value, source, path, budget, out, skip);

export class LateSlot {
  /** Last value walked; the walk is redone only when the current value differs. */
  seen: unknown = undefined;
  inputs: readonly UserInput[] = [];
  private spentInputs = 0;
  private spentBytes = 0;

  constructor(
    readonly source: InputSource,
    readonly path: string,
    /** Identity for setLateValue(); undefined for reader slots. */
    readonly key: unknown,
    /** Reads the current value from a framework object, or undefined for a stored value. */
    readonly read: ((target: any) => unknown) | undefined,
    readonly target: unknown,
    public value: unknown,
    readonly collect: Collector,
    readonly dedupe: boolean,
  ) {}

  current(): unknown {
    if (this.read === undefined) return this.value;
    try {
      return this.read(this.target);
    } catch {
      return undefined; // a throwing getter on a framework object is not our concern
    }
  }

  /** Gives back to the budget what this slot's last walk spent. */
  release(budget: WalkBudget): void {
    budget.inputsLeft += this.spentInputs;
    budget.bytesLeft += this.spentBytes;
    this.spentInputs = 0;
    this.spentBytes = 0;
  }

  /** Walks `value` anew; what the previous walk spent goes back to the budget first. */
  rewalk(value: unknown, budget: WalkBudget, skip: ReadonlySet<string> | undefined): void {
    this.release(budget);
    const inputsBefore = budget.inputsLeft;
    const bytesBefore = budget.bytesLeft;
    let out: UserInput[] | undefined;
    if (value !== undefined && value !== null) {
      try {
        // `req.params` of a route without parameters, an empty body: nothing to walk or keep.
        if (!isEmptyContainer(value)) this.collect(value, this.source, this.path, budget, (out = []), skip);
      } catch {
        // A collector never throws on data; a hostile getter or proxy might. Keep what we have.
      }
    }
    this.seen = value;
    this.inputs = out ?? NO_INPUTS;
    this.spentInputs = inputsBefore - budget.inputsLeft;
    this.spentBytes = bytesBefore - budget.bytesLeft;
  }
}

const NO_INPUTS: readonly UserInput[] = Object.freeze([]);

/**
 * A plain object or array with no own enumerable keys; looked at without allocating. A value
 * that throws when looked at (a hostile proxy) is not known to be empty: it is walked.
 */
function isEmptyContainer(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  try {
    if (Array.isArray(value)) return value.length === 0;
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    for (const key in value) if (Object.hasOwn(value, key)) return false;
    return true;
  } catch {
    return false;
  }
}
