// Flood control: an attack scan must not flood logs or exporters. Each attack kind may
// emit a bounded number of events per one-second window; the rest are counted so a
// summary can say how many were left out. Memory is one counter per key (attack kind).
export class EventRateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private readonly used = new Map<string, number>();
  private readonly dropped = new Map<string, number>();

  constructor(private readonly perSecond: number) {}

  /** True when this event may be emitted now (`now` in milliseconds). */
  admit(key: string, now: number): boolean {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.used.clear();
    }
    const used = this.used.get(key) ?? 0;
    if (used < this.perSecond) {
      this.used.set(key, used + 1);
      return true;
    }
    this.dropped.set(key, (this.dropped.get(key) ?? 0) + 1);
    return false;
  }

  /** Whether anything was suppressed since the last takeDropped(). */
  get hasDropped(): boolean {
    return this.dropped.size > 0;
  }

  /** Suppressed counts per key since the last call, then cleared. */
  takeDropped(): Array<[string, number]> {
    const out = [...this.dropped];
    this.dropped.clear();
    return out;
  }
}
